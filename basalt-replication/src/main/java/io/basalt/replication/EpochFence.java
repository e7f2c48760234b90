package io.basalt.replication;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The newest epoch a brick knows for one volume. Epochs come from the cluster's record of the volume
 * (bumped on every change of primary); a brick learns them from that record and from the writes
 * other bricks send it. A write stamped with an older epoch comes from a deposed primary and is
 * refused; a primary acknowledges only while the epoch it serves under is still the newest known.
 *
 * <p>Lock-free: consulted on every replicated write.
 */
public final class EpochFence {
    private final AtomicLong newest;

    public EpochFence(long initial) {
        this.newest = new AtomicLong(initial);
    }

    /** The newest epoch known. */
    public long current() {
        return newest.get();
    }

    /**
     * Learns of an epoch: a newer one becomes the current one.
     *
     * @return false if {@code epoch} is older than the current one (its sender is deposed)
     */
    public boolean admit(long epoch) {
        long seen = newest.get();
        while (epoch > seen) {
            if (newest.compareAndSet(seen, epoch)) {
                return true;
            }
            seen = newest.get();
        }
        return epoch == seen;
    }
}
