package io.basalt.server.cluster;

import io.basalt.control.agent.ServingAuthority;
import io.basalt.control.cluster.Lease;
import io.basalt.replication.PrimaryAuthority;

import java.util.function.Supplier;

/**
 * Whether this brick may acknowledge writes as a primary: its heartbeat lease is certainly still
 * held (with a margin before {@link Lease#validUntilNanos()}), and the brick has read the cluster's
 * records since that lease was granted.
 *
 * <p>The second condition closes a gap a lease alone leaves: a brick frozen past its lease's expiry
 * is replaced as primary; when it wakes it takes a new lease within a second, and that lease is
 * valid — but the brick has not yet heard that its volumes moved. Until its agent completes a
 * reconcile begun under the new lease, it acknowledges nothing.
 */
public final class LeaseAuthority implements PrimaryAuthority, ServingAuthority {
    private final Supplier<Lease> current;
    private final long marginNanos;
    private volatile Lease confirmed;

    /**
     * @param current     the brick's heartbeat lease now (null before the first)
     * @param marginNanos how long before the lease's certain validity ends to stop acknowledging
     */
    public LeaseAuthority(Supplier<Lease> current, long marginNanos) {
        this.current = current;
        this.marginNanos = marginNanos;
    }

    @Override
    public boolean valid() {
        Lease l = current.get();
        return l != null && l == confirmed && !l.isLost() && System.nanoTime() - (l.validUntilNanos() - marginNanos) < 0;
    }

    @Override
    public Lease beginReconcile() {
        return current.get();
    }

    @Override
    public void confirm(Lease lease) {
        confirmed = lease;
    }
}
