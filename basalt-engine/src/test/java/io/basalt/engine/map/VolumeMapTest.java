package io.basalt.engine.map;

import io.basalt.engine.log.PhysAddr;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VolumeMapTest {
    private static long addr(int i) {
        return PhysAddr.pack(1, 4096 * (i + 1), 4096);
    }

    @Test
    void shouldMapUnmapAndCount() {
        VolumeMap m = new VolumeMap(10_000);
        assertThat(m.get(5)).isEqualTo(PhysAddr.NONE);
        assertThat(m.set(5, addr(5), 77)).isEqualTo(PhysAddr.NONE);
        assertThat(m.set(5, addr(6), 78)).isEqualTo(addr(5));
        assertThat(m.get(5)).isEqualTo(addr(6));
        assertThat(m.crc(5)).isEqualTo(78);
        assertThat(m.mappedBlocks()).isEqualTo(1);
        assertThat(m.clear(5)).isEqualTo(addr(6));
        assertThat(m.clear(5)).isEqualTo(PhysAddr.NONE);
        assertThat(m.mappedBlocks()).isZero();
    }

    @Test
    void shouldClearRangesAcrossChunksAndReportEachReleasedBlock() {
        VolumeMap m = new VolumeMap(3 * VolumeMap.CHUNK_BLOCKS);
        long[] lbas = {0, 4095, 4096, 8191, 9000};
        for (int i = 0; i < lbas.length; i++) {
            m.set(lbas[i], addr(i), i);
        }
        List<Long> released = new ArrayList<>();
        m.clearRange(4095, 4097, (lba, a) -> released.add(lba));
        assertThat(released).containsExactly(4095L, 4096L, 8191L);
        assertThat(m.mappedBlocks()).isEqualTo(2);
        List<Long> left = new ArrayList<>();
        m.forEach((lba, a, c) -> left.add(lba));
        assertThat(left).containsExactly(0L, 9000L);
    }

    @Test
    void shouldWalkMappedBlocksInOrderSkippingEmptyChunks() {
        VolumeMap m = new VolumeMap(5 * VolumeMap.CHUNK_BLOCKS + 10);
        long[] lbas = {3, 4095, 4096, 3 * VolumeMap.CHUNK_BLOCKS + 7, 5 * VolumeMap.CHUNK_BLOCKS + 9};
        for (int i = 0; i < lbas.length; i++) {
            m.set(lbas[i], addr(i), i);
        }
        m.set(100, addr(9), 9);
        m.clear(100);
        List<Long> walked = new ArrayList<>();
        for (long lba = m.nextMapped(0); lba >= 0; lba = m.nextMapped(lba + 1)) {
            walked.add(lba);
        }
        assertThat(walked).containsExactly(3L, 4095L, 4096L, 3L * VolumeMap.CHUNK_BLOCKS + 7,
                5L * VolumeMap.CHUNK_BLOCKS + 9);
        assertThat(m.nextMapped(-5)).isEqualTo(3);
        assertThat(m.nextMapped(5L * VolumeMap.CHUNK_BLOCKS + 10)).isEqualTo(-1);
        assertThat(new VolumeMap(0).nextMapped(0)).isEqualTo(-1);
    }

    @Test
    void shouldUnmapBlocksPastASmallerSizeAndGrowEmpty() {
        VolumeMap m = new VolumeMap(10_000);
        m.set(9_999, addr(1), 1);
        m.set(100, addr(2), 2);
        List<Long> released = new ArrayList<>();
        m.resize(5_000, (lba, a) -> released.add(lba));
        assertThat(released).containsExactly(9_999L);
        m.resize(20_000, (lba, a) -> { });
        assertThat(m.blocks()).isEqualTo(20_000);
        assertThat(m.get(9_999)).isEqualTo(PhysAddr.NONE);
        assertThat(m.get(100)).isEqualTo(addr(2));
    }
}
