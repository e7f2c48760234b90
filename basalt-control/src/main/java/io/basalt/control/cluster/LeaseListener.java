package io.basalt.control.cluster;

/** Told when a {@link Lease} is lost; called once, on a thread of the coordination service's own. */
@FunctionalInterface
public interface LeaseListener {
    /**
     * @param lease  the lease, now {@linkplain Lease#isLost() lost}
     * @param reason why, for the log: expired or revoked in etcd, or keep-alives unanswered past its validity
     */
    void onLost(Lease lease, String reason);
}
