package io.basalt.control.agent;

import io.basalt.control.cluster.Lease;

/**
 * Whether this brick may serve as the primary of its volumes: it holds its heartbeat lease and has
 * read the cluster's records under it. The agent confirms a lease after each reconcile that began
 * under it, and turns its primaries' paths inaccessible as soon as the authority lapses.
 */
public interface ServingAuthority {
    /** True while the brick may act as primary. */
    boolean valid();

    /** The lease a reconcile starts under; pass it to {@link #confirm} when the reconcile succeeded. */
    Lease beginReconcile();

    /** A reconcile begun under {@code lease} read and applied the cluster's records. */
    void confirm(Lease lease);
}
