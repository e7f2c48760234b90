package io.basalt.replication;

/**
 * Whether this brick may still acknowledge writes as a volume's primary: its lease with the cluster's
 * metadata store is known valid. Asked before every acknowledgement, so a primary cut off from etcd
 * stops acknowledging before its lease can expire and another brick can be made primary.
 */
@FunctionalInterface
public interface PrimaryAuthority {
    /** True while acknowledging is safe. Called per I/O: cheap and lock-free. */
    boolean valid();
}
