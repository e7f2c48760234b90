package io.basalt.server.metrics;

import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

import java.util.NavigableSet;

/**
 * The bucket bounds of {@code basalt_volume_latency_seconds}: exactly those Micrometer's Prometheus
 * timer exported (its percentile histogram between 10 µs and 10 s, in nanoseconds), so the series
 * stay comparable across the change that stopped recording through a Timer. Finding a value's bucket
 * takes its power of two and then at most a few comparisons, where Micrometer searched all ~70 bounds.
 */
final class LatencyBuckets {
    static final long MIN_EXPECTED_NANOS = 10_000;
    static final long MAX_EXPECTED_NANOS = 10_000_000_000L;

    private final long[] bounds;
    /** For each power of two k (a positive long's highest bit), the first bucket whose bound is at least 2^k. */
    private final int[] firstAtLeastPow2 = new int[63];

    LatencyBuckets() {
        NavigableSet<Double> micrometer = DistributionStatisticConfig.builder().percentilesHistogram(true)
                .minimumExpectedValue((double) MIN_EXPECTED_NANOS).maximumExpectedValue((double) MAX_EXPECTED_NANOS)
                .build().merge(DistributionStatisticConfig.DEFAULT).getHistogramBuckets(true);
        bounds = micrometer.stream().mapToLong(Double::longValue).toArray();
        int i = 0;
        for (int k = 0; k < firstAtLeastPow2.length; k++) {
            while (i < bounds.length && bounds[i] < 1L << k) {
                i++;
            }
            firstAtLeastPow2[k] = i;
        }
    }

    /** How many finite buckets; index {@code count()} is the overflow above the last bound. */
    int count() {
        return bounds.length;
    }

    long bound(int index) {
        return bounds[index];
    }

    /** The index of the smallest bound at least {@code nanos} ({@link #count()} when above all bounds). */
    int indexOf(long nanos) {
        if (nanos <= 1) {
            return 0;
        }
        int i = firstAtLeastPow2[63 - Long.numberOfLeadingZeros(nanos)];
        while (i < bounds.length && bounds[i] < nanos) {
            i++;
        }
        return i;
    }
}
