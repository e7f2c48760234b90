package io.basalt.control.cluster;

import java.time.Duration;

/**
 * A lease granted by the cluster's coordination service and kept alive in the background. Entries
 * written with it ({@link ClusterCoordination#put}) disappear when it ends, which is how a brick's
 * registration and a leader's candidacy vanish when the brick dies.
 *
 * <p><b>Validity.</b> {@link #validUntilNanos()} is a {@link System#nanoTime()} deadline before
 * which the lease is certainly still held: the send time of the last answered keep-alive plus the
 * TTL etcd granted (etcd counts the TTL from when it received the keep-alive, which is later). A
 * holder that must not act once another may have taken over (a primary acknowledging writes) stops
 * before that deadline, whatever it has or has not heard.
 *
 * <p><b>Loss.</b> The {@link LeaseListener} is told once when the lease is lost: etcd answered that
 * it expired or was revoked, or no keep-alive was answered before {@link #validUntilNanos()}. A lost
 * lease stays lost (its keep-alive stops; grant a new one). {@link #close()} revokes it, which is
 * not a loss and tells no one.
 */
public interface Lease extends AutoCloseable {
    /** etcd's lease ID. */
    long id();

    /** The time to live etcd granted (it may round up what was asked). */
    Duration ttl();

    /** Before this {@link System#nanoTime()} the lease is certainly held; in the past once lost. */
    long validUntilNanos();

    /** Whether the lease was lost (or closed): entries written with it are gone or going. */
    boolean isLost();

    /** Stops the keep-alive and revokes the lease, so its entries go at once; best effort, never throws. */
    @Override
    void close();
}
