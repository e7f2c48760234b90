package io.basalt.server.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One thread's share of a latency series: bucket counts, the sum and the largest value since the
 * last scrape. Only its owning thread writes the counts and the sum (plain read-modify-write,
 * published with opaque stores so a scrape on another thread reads whole, recent values without
 * fences or atomics on the I/O path); the scrape only reads them, and takes the maximum with an
 * atomic exchange.
 */
final class ThreadLatencyRecorder {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SUM;
    private static final VarHandle MAX;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SUM = lookup.findVarHandle(ThreadLatencyRecorder.class, "sumNanos", long.class);
            MAX = lookup.findVarHandle(ThreadLatencyRecorder.class, "maxNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Per bucket, not cumulative; the last slot counts values above every bound. */
    private final long[] counts;
    @SuppressWarnings("unused") // through SUM
    private long sumNanos;
    @SuppressWarnings("unused") // through MAX
    private long maxNanos;

    ThreadLatencyRecorder(int buckets) {
        counts = new long[buckets + 1];
    }

    /** Owner thread only. */
    void record(int bucket, long nanos) {
        LONGS.setOpaque(counts, bucket, (long) LONGS.getOpaque(counts, bucket) + 1);
        SUM.setOpaque(this, (long) SUM.getOpaque(this) + nanos);
        // Racing with takeMax can only drop a value no larger than the one that scrape took.
        if (nanos > (long) MAX.getOpaque(this)) {
            MAX.setOpaque(this, nanos);
        }
    }

    /** Adds this thread's per-bucket counts to {@code into} (same length as the buckets plus one). */
    void addCountsTo(long[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] += (long) LONGS.getOpaque(counts, i);
        }
    }

    long sumNanos() {
        return (long) SUM.getOpaque(this);
    }

    /** The largest value recorded since the last call, and starts over. */
    long takeMax() {
        return (long) MAX.getAndSet(this, 0L);
    }
}
