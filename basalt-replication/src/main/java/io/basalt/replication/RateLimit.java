package io.basalt.replication;

/**
 * Paces the resync's copying to a byte rate, kept as one time stamp (the generic cell rate
 * algorithm): {@code paidUntil} is when everything reserved so far has been paid for. Unused credit
 * is capped at {@code burstNanos}, so an idle resync cannot save up and then flood the link. One
 * thread (the resync's) reserves; the clock is passed in.
 */
final class RateLimit {
    private final double nanosPerByte;
    private final long burstNanos;
    private long paidUntil;

    RateLimit(long bytesPerSecond, long burstNanos, long nowNanos) {
        this.nanosPerByte = 1e9 / bytesPerSecond;
        this.burstNanos = burstNanos;
        this.paidUntil = nowNanos - burstNanos;
    }

    /** Reserves {@code bytes}; returns how many nanoseconds from now the copy must wait (0: go now). */
    long reserve(long bytes, long nowNanos) {
        long start = Math.max(paidUntil, nowNanos - burstNanos);
        paidUntil = start + (long) (bytes * nanosPerByte);
        return Math.max(0, start - nowNanos);
    }
}
