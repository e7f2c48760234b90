package io.basalt.server.metrics;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The shortcut bucket lookup against the plain search it replaces. */
class LatencyBucketsTest {
    private final LatencyBuckets buckets = new LatencyBuckets();

    @Test
    void shouldFindTheSmallestBoundAtLeastTheValue() {
        assertThat(buckets.bound(0)).isEqualTo(LatencyBuckets.MIN_EXPECTED_NANOS);
        assertThat(buckets.bound(buckets.count() - 1)).isEqualTo(LatencyBuckets.MAX_EXPECTED_NANOS);
        for (int i = 0; i < buckets.count(); i++) {
            long bound = buckets.bound(i);
            for (long value : new long[]{bound - 1, bound, bound + 1}) {
                assertThat(buckets.indexOf(value)).as("%d ns", value).isEqualTo(linear(value));
            }
        }
        Random random = new Random(16);
        for (int i = 0; i < 100_000; i++) {
            long value = random.nextLong(Long.MAX_VALUE) >>> random.nextInt(63);
            assertThat(buckets.indexOf(value)).as("%d ns", value).isEqualTo(linear(value));
        }
        assertThat(buckets.indexOf(0)).isZero();
        assertThat(buckets.indexOf(Long.MAX_VALUE)).isEqualTo(buckets.count());
    }

    private int linear(long value) {
        int i = 0;
        while (i < buckets.count() && buckets.bound(i) < value) {
            i++;
        }
        return i;
    }
}
