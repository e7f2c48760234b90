package io.basalt.volume.qos;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QosLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private long now = 1_000 * SECOND;

    /** Runs a closed loop of back-to-back commands for {@code seconds} and counts those started. */
    private long run(QosLimiter q, boolean write, int bytes, int seconds) {
        long end = now + seconds * SECOND;
        long started = 0;
        long next = now;
        while (true) {
            now = next;
            long wait = write ? q.reserveWrite(bytes) : q.reserveRead(bytes);
            next = now + wait;
            if (next >= end) {
                return started;
            }
            started++;
        }
    }

    @Test
    void shouldHoldReadIopsWithinFivePercentOfTheLimit() {
        QosLimiter q = new QosLimiter(new QosLimits(1000, 0, 0, 0, 0), 1L << 30, () -> now,
                QosLimiter.BURST_NANOS_DEFAULT);
        long done = run(q, false, 4096, 10);
        assertThat(done).isBetween(9_500L, 10_500L);
    }

    @Test
    void shouldHoldWriteBandwidthWithinFivePercentOfTheLimit() {
        long limit = 100L << 20;
        QosLimiter q = new QosLimiter(new QosLimits(0, 0, 0, limit, 0), 1L << 30, () -> now,
                QosLimiter.BURST_NANOS_DEFAULT);
        long bytes = run(q, true, 128 * 1024, 10) * 128 * 1024;
        assertThat((double) bytes / (10 * limit)).isBetween(0.95, 1.05);
    }

    @Test
    void shouldLimitReadsAndWritesSeparately() {
        QosLimiter q = new QosLimiter(new QosLimits(100, 0, 0, 0, 0), 1L << 30, () -> now, 0);
        assertThat(q.reserveRead(4096)).isZero();
        assertThat(q.reserveRead(4096)).isEqualTo(10_000_000L);
        for (int i = 0; i < 1000; i++) {
            assertThat(q.reserveWrite(4096)).isZero();
        }
    }

    @Test
    void shouldLetAnIdleVolumeBurstOnlyUpToTheBurstCredit() {
        QosLimiter q = new QosLimiter(new QosLimits(1000, 0, 0, 0, 0), 1L << 30, () -> now, 50_000_000L);
        now += 10 * SECOND;
        int immediate = 0;
        while (q.reserveRead(512) == 0) {
            immediate++;
        }
        assertThat(immediate).isBetween(50, 51);
    }

    @Test
    void shouldScaleIopsWithSizeAndTakeTheLowerLimit() {
        QosLimits perGib = new QosLimits(0, 5000, 0, 0, 100);
        assertThat(perGib.effectiveReadIops(10L << 30)).isEqualTo(1000);
        assertThat(perGib.effectiveWriteIops(10L << 30)).isEqualTo(1000);
        assertThat(perGib.effectiveWriteIops(100L << 30)).isEqualTo(5000);
        assertThat(perGib.effectiveReadIops(1L << 20)).isEqualTo(1);
        assertThat(QosLimits.UNLIMITED.effectiveReadIops(1L << 40)).isZero();
    }

    @Test
    void shouldRefuseNegativeLimits() {
        assertThatThrownBy(() -> new QosLimits(-1, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
