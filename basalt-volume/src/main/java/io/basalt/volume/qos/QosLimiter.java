package io.basalt.volume.qos;

import java.util.function.LongSupplier;

/**
 * Enforces one volume's {@link QosLimits} in the data path: each read or write reserves its command
 * and its bytes in the matching buckets and learns how long to wait. Shared by every queue of every
 * host using the volume; lock-free (see {@link TokenBucket}). Commands over the limit are delayed,
 * never failed. One limiter per volume, so a limited volume cannot take from another's budget.
 */
public final class QosLimiter {
    /** Credit an idle volume keeps: 50 ms at full rate, small against any measurement window. */
    public static final long BURST_NANOS_DEFAULT = 50_000_000L;

    private final QosLimits limits;
    private final LongSupplier clock;
    private final TokenBucket readIops;
    private final TokenBucket writeIops;
    private final TokenBucket readBytes;
    private final TokenBucket writeBytes;

    /**
     * @param sizeBytes the volume's size, for IOPS-per-GiB
     * @param clock     nanosecond time source ({@code System::nanoTime}, or a fake in tests)
     */
    public QosLimiter(QosLimits limits, long sizeBytes, LongSupplier clock, long burstNanos) {
        this.limits = limits;
        this.clock = clock;
        long now = clock.getAsLong();
        readIops = bucket(limits.effectiveReadIops(sizeBytes), burstNanos, now);
        writeIops = bucket(limits.effectiveWriteIops(sizeBytes), burstNanos, now);
        readBytes = bucket(limits.readBytesPerSecond(), burstNanos, now);
        writeBytes = bucket(limits.writeBytesPerSecond(), burstNanos, now);
    }

    public QosLimiter(QosLimits limits, long sizeBytes) {
        this(limits, sizeBytes, System::nanoTime, BURST_NANOS_DEFAULT);
    }

    private static TokenBucket bucket(long rate, long burstNanos, long now) {
        return rate <= 0 ? null : new TokenBucket(rate, burstNanos, now);
    }

    public QosLimits limits() {
        return limits;
    }

    /** Reserves a read of {@code bytes}; returns the nanoseconds to wait before starting it. */
    public long reserveRead(int bytes) {
        return reserve(readIops, readBytes, bytes);
    }

    /** Reserves a write of {@code bytes}; returns the nanoseconds to wait before starting it. */
    public long reserveWrite(int bytes) {
        return reserve(writeIops, writeBytes, bytes);
    }

    private long reserve(TokenBucket iops, TokenBucket bandwidth, int bytes) {
        long now = clock.getAsLong();
        long wait = iops == null ? 0 : iops.reserve(1, now);
        if (bandwidth != null) {
            wait = Math.max(wait, bandwidth.reserve(bytes, now));
        }
        return wait;
    }
}
