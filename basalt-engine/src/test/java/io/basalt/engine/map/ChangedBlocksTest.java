package io.basalt.engine.map;

import io.basalt.engine.log.PhysAddr;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChangedBlocksTest {
    private static final int N = VolumeMap.CHUNK_BLOCKS;

    private static long addr(int i) {
        return PhysAddr.pack(i + 1, 4096, 4096);
    }

    private static List<long[]> page(VolumeMap a, VolumeMap b, long from, int max, long[] next) {
        List<long[]> out = new ArrayList<>();
        next[0] = ChangedBlocks.diff(a, b, from, max, (lba, n) -> out.add(new long[]{lba, n}));
        return out;
    }

    @Test
    void shouldReportMaximalRangesAcrossChunkBordersAndPage() {
        VolumeMap s = new VolumeMap(8L * N);
        for (int i = 0; i < 8 * N; i += 3) {
            s.set(i, addr(i), i);
        }
        VolumeMap v = s.snapshot(s.blocks());
        v.set(5, addr(100_000), 1);
        v.set(6, addr(100_001), 1);
        v.clear(N - 1 - ((N - 1) % 3));         // the last mapped block of chunk 0
        v.set(N - 1, addr(100_002), 1);          // ... and the one after it: one run over the border
        v.set(N, addr(100_003), 1);
        v.set(5L * N + 7, addr(100_004), 1);

        long[] next = new long[1];
        List<long[]> first = page(s, v, 0, 2, next);
        assertThat(first).containsExactly(new long[]{5, 2}, new long[]{N - 1 - ((N - 1) % 3), N + 1 - (N - 1 - ((N - 1) % 3))});
        assertThat(next[0]).isEqualTo(5L * N + 7);
        List<long[]> second = page(s, v, next[0], 2, next);
        assertThat(second).containsExactly(new long[]{5L * N + 7, 1});
        assertThat(next[0]).isEqualTo(-1);
    }

    @Test
    void shouldFindNothingBetweenAMapAndItsUntouchedSnapshot() {
        VolumeMap v = new VolumeMap(4L * N);
        v.set(3, addr(3), 3);
        long[] next = new long[1];
        assertThat(page(v, v.snapshot(v.blocks()), 0, 10, next)).isEmpty();
        assertThat(next[0]).isEqualTo(-1);
    }

    @Test
    void shouldCountBlocksPastTheSmallerMapAsChangedWhereMapped() {
        VolumeMap small = new VolumeMap(N);
        VolumeMap big = new VolumeMap(3L * N);
        big.set(2L * N + 1, addr(1), 1);
        long[] next = new long[1];
        assertThat(page(small, big, 0, 10, next)).containsExactly(new long[]{2L * N + 1, 1});
    }
}
