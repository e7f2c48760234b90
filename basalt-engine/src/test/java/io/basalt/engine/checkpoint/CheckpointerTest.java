package io.basalt.engine.checkpoint;

import io.basalt.engine.device.FaultyDevice;
import io.basalt.engine.gc.SegmentTable;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.map.ExtentTable;
import io.basalt.engine.map.VolumeMap;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointerTest {
    private static final long SLOT = Checkpointer.slotBytesFor(16, 4096, 4);
    private final FaultyDevice device = new FaultyDevice("d", (int) (4096 + 2 * SLOT));
    private final Checkpointer checkpointer = new Checkpointer(device, 4096, SLOT, 99);

    private CheckpointState state(long seq, int mapped) {
        CheckpointState s = new CheckpointState();
        s.checkpointSeq = seq;
        s.epoch = 3;
        s.nextSeq = 1000 + seq;
        s.nextVolumeId = 5;
        s.streamSegment[0] = 1;
        s.streamPosition[0] = 8192;
        s.streamNext[0] = 2;
        s.volumes.add(new VolumeRecord(4, "vol-é", 4096, 1L << 30, true));
        VolumeMap map = new VolumeMap((1L << 30) / 4096);
        for (int i = 0; i < mapped; i++) {
            map.set(i * 7L, PhysAddr.pack(3, 4096 + 16 * i, 4096), i);
        }
        s.maps.put(4, map);
        return s;
    }

    @Test
    void shouldLoadWhatWasWritten() throws IOException {
        SegmentTable table = new SegmentTable(16, 1);
        int seg = table.allocate(0);
        table.written(seg, 77, 12288);
        table.aged(seg, 70);
        checkpointer.write(state(1, 3000), table);

        CheckpointState loaded = new CheckpointState();
        SegmentTable restored = new SegmentTable(16, 1);
        assertThat(checkpointer.load(loaded, restored)).isTrue();
        assertThat(loaded.checkpointSeq).isEqualTo(1);
        assertThat(loaded.epoch).isEqualTo(3);
        assertThat(loaded.nextSeq).isEqualTo(1001);
        assertThat(loaded.nextVolumeId).isEqualTo(5);
        assertThat(loaded.streamSegment).containsExactly(1, -1, -1);
        assertThat(loaded.streamPosition[0]).isEqualTo(8192);
        assertThat(loaded.volumes).containsExactly(new VolumeRecord(4, "vol-é", 4096, 1L << 30, true));
        VolumeMap map = loaded.maps.get(4);
        assertThat(map.mappedBlocks()).isEqualTo(3000);
        assertThat(map.get(7 * 2999L)).isEqualTo(PhysAddr.pack(3, 4096 + 16 * 2999, 4096));
        assertThat(map.crc(7 * 2999L)).isEqualTo(2999);
        assertThat(restored.lastSeq(seg)).isEqualTo(77);
        assertThat(restored.dataSeq(seg)).isEqualTo(70);
        assertThat(restored.end(seg)).isEqualTo(12288);
    }

    @Test
    void shouldCarryVolumeServicesWrappedKeysAndLiveExtents() throws IOException {
        CheckpointState s = state(1, 2);
        byte[] wrapped = new byte[72];
        for (int i = 0; i < wrapped.length; i++) {
            wrapped[i] = (byte) (i * 3);
        }
        s.volumes.add(new VolumeRecord(6, "enc", 512, 1L << 20, false, 2, true, true, 4, wrapped));
        s.maps.put(6, new VolumeMap((1L << 20) / 512));
        s.maps.get(6).set(9, PhysAddr.extent(2), 0);
        ExtentTable extents = new ExtentTable();
        long a = extents.create(0, 4, new long[]{1, 2, 3, 4}, 0);
        long b = extents.create(4, 6, new long[]{5, 6, 7, 8}, 0);
        long pending = extents.create(0, 4, new long[]{9, 9, 9, 9}, 0);
        extents.place(a, PhysAddr.pack(2, 4096, 1024, PhysAddr.COMPRESSED), 11);
        extents.place(b, PhysAddr.pack(2, 8192, 512), 12);
        s.extents = extents;
        checkpointer.write(s, new SegmentTable(16, 1));

        CheckpointState loaded = new CheckpointState();
        assertThat(checkpointer.load(loaded, new SegmentTable(16, 1))).isTrue();
        VolumeRecord enc = loaded.volumes.get(1);
        assertThat(enc.compressionTag()).isEqualTo(2);
        assertThat(enc.dedup()).isTrue();
        assertThat(enc.encrypted()).isTrue();
        assertThat(enc.family()).isEqualTo(4);
        assertThat(enc.wrappedKey()).isEqualTo(wrapped);
        assertThat(loaded.volumes.get(0).wrappedKey()).isNull();
        assertThat(loaded.maps.get(6).get(9)).isEqualTo(PhysAddr.extent(2));
        ExtentTable back = loaded.extents;
        assertThat(back.liveCount()).as("the pending extent is not checkpointed").isEqualTo(2);
        assertThat(back.isLive(pending)).isFalse();
        assertThat(back.address(a)).isEqualTo(PhysAddr.pack(2, 4096, 1024, PhysAddr.COMPRESSED));
        assertThat(back.crc(b)).isEqualTo(12);
        assertThat(back.owner(b)).isEqualTo(6);
        assertThat(back.matches(b, 4, new long[]{5, 6, 7, 8}, 0)).isTrue();
        assertThat(back.matches(a, 0, new long[]{1, 2, 3, 4}, 0)).isTrue();
    }

    @Test
    void shouldSayWhenThePoolIsOfAnOlderFormat() throws IOException {
        checkpointer.write(state(1, 3), new SegmentTable(16, 1));
        // Rewrite slot 1's header as version 1 would have, with a valid CRC.
        java.nio.ByteBuffer h = io.basalt.engine.device.AlignedBuffers.allocate(Checkpointer.HEADER);
        device.read(4096 + SLOT, h);
        h.putInt(8, 1);
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(h.duplicate().position(0).limit(Checkpointer.HEADER - 4));
        h.putInt(Checkpointer.HEADER - 4, (int) c.getValue());
        device.write(4096 + SLOT, h.clear());
        assertThatThrownBy(() -> checkpointer.load(new CheckpointState(), new SegmentTable(16, 1)))
                .isInstanceOf(IOException.class).hasMessageContaining("version 1");
    }

    @Test
    void shouldFallBackToTheOtherSlotWhenTheNewestIsTorn() throws IOException {
        SegmentTable table = new SegmentTable(16, 1);
        checkpointer.write(state(1, 10), table);
        checkpointer.write(state(2, 20), table);
        // Checkpoint 2 went to slot 0; tear its body.
        device.corrupt(4096 + Checkpointer.HEADER + 100);
        CheckpointState loaded = new CheckpointState();
        assertThat(checkpointer.load(loaded, new SegmentTable(16, 1))).isTrue();
        assertThat(loaded.checkpointSeq).isEqualTo(1);
        assertThat(loaded.maps.get(4).mappedBlocks()).isEqualTo(10);
    }

    @Test
    void shouldLoadAMapThatSpansManyReadAheadPieces() throws IOException {
        // 120 000 entries are 2.4 MB: three 1 MiB pieces, with entries cut at both piece boundaries.
        int mapped = 120_000;
        long slot = Checkpointer.slotBytesFor(16, mapped, 4);
        FaultyDevice big = new FaultyDevice("big", (int) (4096 + 2 * slot));
        Checkpointer large = new Checkpointer(big, 4096, slot, 99);
        CheckpointState written = state(1, 0);
        for (int i = 0; i < mapped; i++) {
            written.maps.get(4).set(i * 2L, PhysAddr.pack(3, 4096 + 16 * i, 4096), i);
        }
        large.write(written, new SegmentTable(16, 1));

        CheckpointState loaded = new CheckpointState();
        assertThat(large.load(loaded, new SegmentTable(16, 1))).isTrue();
        VolumeMap map = loaded.maps.get(4);
        assertThat(map.mappedBlocks()).isEqualTo(mapped);
        assertThat(map.blocks()).isEqualTo((1L << 30) / 4096);
        for (int i = 0; i < mapped; i++) {
            assertThat(map.get(i * 2L)).isEqualTo(PhysAddr.pack(3, 4096 + 16 * i, 4096));
            assertThat(map.crc(i * 2L)).isEqualTo(i);
            assertThat(map.get(i * 2L + 1)).isEqualTo(PhysAddr.NONE);
        }
    }

    @Test
    void shouldFallBackWithoutSizingAMapFromACorruptCapacity() throws IOException {
        SegmentTable table = new SegmentTable(16, 1);
        checkpointer.write(state(1, 10), table);
        checkpointer.write(state(2, 20), table);
        // Body of checkpoint 2 (slot 0): volume count, id, block size, then the capacity; flip its
        // top byte. Sizing a map from it before the CRC is known would fail (too many chunks).
        device.corrupt(4096 + Checkpointer.HEADER + 4 + 4 + 4 + 7);
        CheckpointState loaded = new CheckpointState();
        assertThat(checkpointer.load(loaded, new SegmentTable(16, 1))).isTrue();
        assertThat(loaded.checkpointSeq).isEqualTo(1);
        assertThat(loaded.volumes).hasSize(1);
        assertThat(loaded.maps.get(4).mappedBlocks()).isEqualTo(10);
    }

    @Test
    void shouldRefuseAPoolWithADifferentNumberOfSegments() throws IOException {
        checkpointer.write(state(1, 10), new SegmentTable(16, 1));
        assertThatThrownBy(() -> checkpointer.load(new CheckpointState(), new SegmentTable(12, 1)))
                .isInstanceOf(IOException.class).hasMessageContaining("16 segments");
    }

    @Test
    void shouldFindNothingOnABlankDevice() throws IOException {
        assertThat(checkpointer.load(new CheckpointState(), new SegmentTable(16, 1))).isFalse();
    }

    @Test
    void shouldSayHowManyBlocksASlotHolds() {
        // Sized for 4096 mapped blocks; alignment of the fixed part may cost up to 4 KiB of them.
        assertThat(checkpointer.maxEntries(16, 4)).isBetween(4096L - 205, 4096L);
    }

    @Test
    void shouldWriteSnapshotsAsDeltasAndRebuildTheirSharing() throws IOException {
        CheckpointState s = new CheckpointState();
        s.checkpointSeq = 1;
        long blocks = 4L * VolumeMap.CHUNK_BLOCKS;
        VolumeMap volume = new VolumeMap(blocks);
        for (int i = 0; i < blocks; i++) {
            volume.set(i, PhysAddr.pack(2, 4096 + 16 * i, 16), i);
        }
        // Parents come first: snapshot 2, then its volume 1 (taken from it) and a smaller clone 3.
        VolumeMap snapshot = volume.snapshot(blocks);
        volume.set(5, PhysAddr.pack(3, 4096, 16), 55);
        volume.clearRange(10, 20, (l, a) -> { });
        VolumeMap clone = snapshot.snapshot(blocks / 2);
        s.volumes.add(new VolumeRecord(2, "snap", 512, blocks * 512, false, 0, false, false, 1, null, VolumeRecord.SNAPSHOT, 1, 0, 1234));
        s.volumes.add(new VolumeRecord(1, "vol", 512, blocks * 512, false, 0, false, false, 1, null, VolumeRecord.VOLUME, 1, 2, 1000));
        s.volumes.add(new VolumeRecord(3, "clone", 512, blocks * 256, false, 0, false, false, 1, null, VolumeRecord.VOLUME, 3, 2, 2000));
        s.maps.put(2, snapshot);
        s.maps.put(1, volume);
        s.maps.put(3, clone);
        SegmentTable table = new SegmentTable(16, 1);
        checkpointer.write(s, table);

        CheckpointState loaded = new CheckpointState();
        assertThat(checkpointer.load(loaded, new SegmentTable(16, 1))).isTrue();
        assertThat(loaded.volumes).containsExactlyElementsOf(s.volumes);
        VolumeMap snap = loaded.maps.get(2);
        VolumeMap vol = loaded.maps.get(1);
        VolumeMap cl = loaded.maps.get(3);
        for (long lba = 0; lba < blocks; lba++) {
            assertThat(snap.get(lba)).isEqualTo(snapshot.get(lba));
            assertThat(vol.get(lba)).isEqualTo(volume.get(lba));
            assertThat(vol.crc(lba)).isEqualTo(volume.crc(lba));
            assertThat(cl.get(lba)).isEqualTo(clone.get(lba));
        }
        assertThat(vol.mappedBlocks()).isEqualTo(volume.mappedBlocks());
        assertThat(cl.blocks()).isEqualTo(blocks / 2);
        // Chunks 1-3 of the volume and 0-1 of the clone are the snapshot's again, not copies.
        assertThat(vol.sameChunk(snap, 0)).isFalse();
        assertThat(vol.sameChunk(snap, 3)).isTrue();
        assertThat(cl.sameChunk(snap, 1)).isTrue();
    }
}
