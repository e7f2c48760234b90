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
        long n = VolumeMap.CHUNK_BLOCKS;
        VolumeMap m = new VolumeMap(3 * n);
        long[] lbas = {0, n - 1, n, 2 * n - 1, 2 * n + 100};
        for (int i = 0; i < lbas.length; i++) {
            m.set(lbas[i], addr(i), i);
        }
        List<Long> released = new ArrayList<>();
        m.clearRange(n - 1, n + 1, (lba, a) -> released.add(lba));
        assertThat(released).containsExactly(n - 1, n, 2 * n - 1);
        assertThat(m.mappedBlocks()).isEqualTo(2);
        List<Long> left = new ArrayList<>();
        m.forEach((lba, a, c) -> left.add(lba));
        assertThat(left).containsExactly(0L, 2 * n + 100);
    }

    @Test
    void shouldWalkMappedBlocksInOrderSkippingEmptyChunks() {
        VolumeMap m = new VolumeMap(5 * VolumeMap.CHUNK_BLOCKS + 10);
        long n = VolumeMap.CHUNK_BLOCKS;
        long[] lbas = {3, n - 1, n, 3 * n + 7, 5 * n + 9};
        for (int i = 0; i < lbas.length; i++) {
            m.set(lbas[i], addr(i), i);
        }
        m.set(100, addr(9), 9);
        m.clear(100);
        List<Long> walked = new ArrayList<>();
        for (long lba = m.nextMapped(0); lba >= 0; lba = m.nextMapped(lba + 1)) {
            walked.add(lba);
        }
        assertThat(walked).containsExactly(3L, n - 1, n, 3 * n + 7, 5 * n + 9);
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

    @Test
    void shouldCopyASharedChunkOnWriteAndLeaveTheSnapshotAsItWas() {
        VolumeMap v = new VolumeMap(4 * VolumeMap.CHUNK_BLOCKS);
        v.set(1, addr(1), 11);
        v.set(VolumeMap.CHUNK_BLOCKS + 1, addr(2), 12);
        VolumeMap s = v.snapshot(v.blocks());
        assertThat(s.sameChunk(v, 0)).isTrue();
        assertThat(v.isShared(0)).isTrue();

        assertThat(v.set(1, addr(3), 13)).isEqualTo(addr(1));
        assertThat(v.clear(VolumeMap.CHUNK_BLOCKS + 1)).isEqualTo(addr(2));

        assertThat(s.get(1)).isEqualTo(addr(1));
        assertThat(s.crc(1)).isEqualTo(11);
        assertThat(s.get(VolumeMap.CHUNK_BLOCKS + 1)).isEqualTo(addr(2));
        assertThat(v.get(1)).isEqualTo(addr(3));
        assertThat(v.sameChunk(s, 0)).isFalse();
        assertThat(v.isEmpty(1)).isTrue();
        assertThat(s.isShared(0)).isFalse();
        assertThat(s.mappedBlocks()).isEqualTo(2);
        assertThat(v.mappedBlocks()).isEqualTo(1);
        assertThat(v.mappedBytes()).isEqualTo(4096);
    }

    @Test
    void shouldMoveAnEntryInPlaceForEverySharer() {
        VolumeMap v = new VolumeMap(VolumeMap.CHUNK_BLOCKS);
        v.set(7, addr(1), 1);
        VolumeMap s = v.snapshot(v.blocks());
        assertThat(v.move(7, addr(2), addr(3), 1)).as("not at that address").isFalse();
        assertThat(v.move(7, addr(1), addr(3), 9)).as("another write's CRC").isFalse();
        assertThat(v.move(7, addr(1), addr(3), 1)).isTrue();
        assertThat(s.get(7)).isEqualTo(addr(3));
        assertThat(s.crc(7)).isEqualTo(1);
        assertThat(s.sameChunk(v, 0)).isTrue();
    }

    @Test
    void shouldDropSharedChunksByReferenceOnly() {
        VolumeMap v = new VolumeMap(VolumeMap.CHUNK_BLOCKS);
        v.set(7, addr(1), 1);
        VolumeMap s = v.snapshot(v.blocks());
        s.dropAll();
        assertThat(v.isShared(0)).isFalse();
        assertThat(v.get(7)).isEqualTo(addr(1));
        assertThat(s.mappedBlocks()).isZero();
    }

    @Test
    void shouldTakeASmallerSnapshotWithoutTouchingTheOriginal() {
        VolumeMap v = new VolumeMap(VolumeMap.CHUNK_BLOCKS);
        v.set(10, addr(1), 1);
        v.set(300, addr(2), 2);
        VolumeMap s = v.snapshot(100);
        assertThat(s.blocks()).isEqualTo(100);
        assertThat(s.get(300)).isEqualTo(PhysAddr.NONE);
        assertThat(s.get(10)).isEqualTo(addr(1));
        assertThat(v.get(300)).isEqualTo(addr(2));
        assertThat(s.mappedBlocks()).isEqualTo(1);
    }

    @Test
    void shouldKeepAFrozenCopyUnchangedWhateverTheLiveMapDoes() {
        long n = VolumeMap.CHUNK_BLOCKS;
        VolumeMap live = new VolumeMap(3 * n);
        for (int i = 0; i < 3 * n; i += 7) {
            live.set(i, addr(i), i);
        }
        VolumeMap frozen = live.freeze();
        live.set(0, addr(9999), 1);
        live.clear(7);
        live.clearRange(n, n, (lba, a) -> { });
        live.resize(n / 2, (lba, a) -> { });
        for (int i = 0; i < 3 * n; i += 7) {
            assertThat(frozen.get(i)).as("block %d", i).isEqualTo(addr(i));
            assertThat(frozen.crc(i)).isEqualTo(i);
        }
        assertThat(frozen.blocks()).isEqualTo(3 * n);
        assertThat(live.get(0)).isEqualTo(addr(9999));
        assertThat(live.get(7)).isEqualTo(PhysAddr.NONE);
    }

    @Test
    void shouldNotCountAFrozenCopyAsSharing() {
        // The snapshot tree's release rules read isShared: a checkpoint must not change what they free.
        VolumeMap live = new VolumeMap(VolumeMap.CHUNK_BLOCKS);
        live.set(1, addr(1), 1);
        VolumeMap frozen = live.freeze();
        assertThat(live.isShared(0)).isFalse();
        assertThat(live.sameChunk(frozen, 0)).isTrue();
        VolumeMap snapshot = live.snapshot(live.blocks());
        assertThat(live.isShared(0)).isTrue();
        snapshot.dropAll();
        assertThat(live.isShared(0)).isFalse();
        frozen.dropAll();
    }

    @Test
    void shouldRefuseToMoveAFrozenBlockAndAllowItOnceTheCopyIsDropped() {
        VolumeMap live = new VolumeMap(VolumeMap.CHUNK_BLOCKS);
        live.set(1, addr(1), 1);
        VolumeMap frozen = live.freeze();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> live.move(1, addr(1), addr(2), 1))
                .isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> frozen.set(2, addr(2), 2))
                .isInstanceOf(IllegalStateException.class);
        frozen.dropAll();
        assertThat(live.move(1, addr(1), addr(2), 1)).isTrue();
        assertThat(live.get(1)).isEqualTo(addr(2));
    }
}
