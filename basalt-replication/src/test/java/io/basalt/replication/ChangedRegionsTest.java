package io.basalt.replication;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangedRegionsTest {
    private static final int REGION = 64 * 1024;

    @Test
    void shouldMarkEveryRegionARangeTouches() {
        ChangedRegions c = new ChangedRegions(1L << 30, REGION);
        c.mark(REGION - 512, 1024);
        assertThat(c.count()).isEqualTo(2);
        assertThat(c.isMarked(0)).isTrue();
        assertThat(c.isMarked(1)).isTrue();
        assertThat(c.isMarked(2)).isFalse();
    }

    @Test
    void shouldCountARegionOnceHoweverOftenItIsWritten() {
        ChangedRegions c = new ChangedRegions(1L << 30, REGION);
        for (int i = 0; i < 100; i++) {
            c.mark(5L * REGION + i * 512, 512);
        }
        assertThat(c.count()).isEqualTo(1);
    }

    @Test
    void shouldMarkRangesAcrossWordBoundaries() {
        ChangedRegions c = new ChangedRegions(1L << 30, REGION);
        c.mark(60L * REGION, 70L * REGION);
        assertThat(c.count()).isEqualTo(70);
        assertThat(c.next(0)).isEqualTo(60);
        assertThat(c.isMarked(129)).isTrue();
        assertThat(c.isMarked(130)).isFalse();
    }

    @Test
    void shouldFindMarkedRegionsInOrderAndUnmarkThem() {
        ChangedRegions c = new ChangedRegions(10L * 1024 * 1024 * 1024, REGION);
        long[] marked = {3, 63, 64, 1000, 150_000};
        for (long r : marked) {
            c.mark(r * REGION, 1);
        }
        List<Long> found = new ArrayList<>();
        for (long r = c.next(0); r >= 0; r = c.next(r + 1)) {
            found.add(r);
            assertThat(c.clear(r)).isTrue();
        }
        assertThat(found).containsExactly(3L, 63L, 64L, 1000L, 150_000L);
        assertThat(c.count()).isZero();
        assertThat(c.clear(3)).isFalse();
    }

    @Test
    void shouldMarkAllOfAVolumeWhoseSizeIsNotAWholeNumberOfRegions() {
        ChangedRegions c = new ChangedRegions(3L * REGION + 4096, REGION);
        c.markAll();
        assertThat(c.regions()).isEqualTo(4);
        assertThat(c.count()).isEqualTo(4);
        assertThat(c.next(4)).isEqualTo(-1);
    }

    @Test
    void shouldHaveNothingToClearPastTheLastRegion() {
        ChangedRegions c = new ChangedRegions(64 * 4096, 4096);
        c.markAll();
        assertThat(c.clear(64)).isFalse();
        assertThat(c.clear(127)).isFalse();
        assertThat(c.clear(63)).isTrue();
        assertThat(c.count()).isEqualTo(63);
    }

    @Test
    void shouldRejectARegionSizeThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new ChangedRegions(1 << 20, 3000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCountExactlyUnderConcurrentMarking() throws Exception {
        ChangedRegions c = new ChangedRegions(1L << 30, REGION);
        int threads = 4;
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    for (int r = first; r < 16_384; r += 2) {
                        c.mark((long) r * REGION, 1);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        go.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(c.count()).isEqualTo(16_384);
    }
}
