package io.basalt.volume.qos;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket kept as a single time stamp (the generic cell rate algorithm): {@code tat} is the
 * time at which everything reserved so far has been paid for at the configured rate. A reservation
 * moves it forward by the cost's worth of time with one CAS, and tells the caller how long to wait
 * before starting — so no lock, no refill thread, and a delayed command never has to ask again.
 * Unused credit is capped at {@code burstNanos}: an idle volume may run that long at full speed.
 */
final class TokenBucket {
    private final double nanosPerUnit;
    private final long burstNanos;
    private final AtomicLong tat;

    /**
     * @param ratePerSecond units (commands or bytes) per second, positive
     * @param burstNanos    how much unused time credit the bucket keeps
     */
    TokenBucket(long ratePerSecond, long burstNanos, long nowNanos) {
        this.nanosPerUnit = 1e9 / ratePerSecond;
        this.burstNanos = burstNanos;
        this.tat = new AtomicLong(nowNanos - burstNanos);
    }

    /** Reserves {@code units}; returns how many nanoseconds from now the caller must wait (0: go now). */
    long reserve(long units, long nowNanos) {
        long cost = (long) (units * nanosPerUnit);
        while (true) {
            long prev = tat.get();
            long start = Math.max(prev, nowNanos - burstNanos);
            if (tat.compareAndSet(prev, start + cost)) {
                return Math.max(0, start - nowNanos);
            }
        }
    }
}
