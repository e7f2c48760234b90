package io.basalt.engine.checkpoint;

import io.basalt.engine.device.AlignedBuffers;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.gc.SegmentTable;
import io.basalt.engine.map.VolumeMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Writes and loads checkpoints in two slots (A, B) of device 0, alternately, each written whole:
 * a 4 KiB header then a body, streamed through one aligned buffer: the images (volumes and
 * snapshots, parents before children), segment sequences, data ages and ends, then each image's
 * map as a <em>delta against its parent's</em> — records {@code (lba u64, address u64, crc u32)},
 * where address 0 means "{@code crc} blocks from {@code lba} are unmapped", ended by lba −1. A chunk
 * an image shares with its parent costs nothing, so 100 snapshots of a volume do not multiply the
 * body, and loading rebuilds the sharing: each image starts as a copy of its parent's directory.
 *
 * <pre>
 * header: 0 magic u64 | 8 version u32 | 12 reserved | 16 poolId | 24 checkpointSeq | 32 epoch
 *         40 nextSeq | 48 nextVolumeId u32 | 52 bodyBytes u64 | 60 bodyCrc u32
 *         64 streams: 2 x (segment u32, position u32, next u32) | 4092 headerCrc u32
 * </pre>
 *
 * <p>Durability invariant: {@link #write} returns after the body and header are synced; until then
 * the other slot still holds the previous checkpoint intact, and a torn slot fails its CRCs.
 */
public final class Checkpointer {
    public static final long MAGIC = 0x54504b434c534242L; // "BBSLCKPT"
    /** 2: images (family, kind, owner, parent, time) and maps as deltas against the parent's. */
    public static final int VERSION = 2;
    public static final int HEADER = 4096;
    /** Bytes per mapped block in the body. */
    public static final int ENTRY_BYTES = 20;
    /** Images (volumes and snapshots) a pool may hold per volume it may hold: sizes the image table. */
    public static final int IMAGES_PER_VOLUME = 16;
    /** An image's record, name at most 255 bytes, and its delta's end mark. */
    private static final int IMAGE_BYTES = 320;
    private static final long END = -1;
    private static final int CHUNK = 1 << 20;

    private final BlockDevice device;
    private final long[] slotStart;
    private final long slotBytes;
    private final long poolId;
    private final ByteBuffer buffer = AlignedBuffers.allocate(CHUNK);
    private final CRC32C crc = new CRC32C();
    private long pos;
    private long base;
    private long bodyBytes;

    public Checkpointer(BlockDevice device, long slotAStart, long slotBytes, long poolId) {
        this.device = device;
        this.slotStart = new long[]{slotAStart, slotAStart + slotBytes};
        this.slotBytes = slotBytes;
        this.poolId = poolId;
    }

    /** The slot size a pool needs: header, images, 20 bytes per segment, {@link #ENTRY_BYTES} per block. */
    public static long slotBytesFor(long segments, long dataBlocks, int maxVolumes) {
        return AlignedBuffers.alignUp(HEADER + 8 + maxImages(maxVolumes) * (long) IMAGE_BYTES + 4 + segments * 20
                + dataBlocks * ENTRY_BYTES);
    }

    /** Images a pool of at most {@code maxVolumes} volumes may hold: volumes, snapshots, hidden snapshots. */
    public static int maxImages(int maxVolumes) {
        return maxVolumes * IMAGES_PER_VOLUME;
    }

    /** How many mapped blocks a checkpoint can hold, given the pool's segments and volume limit. */
    public long maxEntries(long segments, int maxVolumes) {
        return (slotBytes - slotBytesFor(segments, 0, maxVolumes)) / ENTRY_BYTES;
    }

    /** Writes the state into slot {@code checkpointSeq % 2} and syncs. */
    public void write(CheckpointState state, SegmentTable segments) throws IOException {
        try {
            writeSlot(state, segments);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void writeSlot(CheckpointState state, SegmentTable segments) throws IOException {
        int slot = (int) (state.checkpointSeq & 1);
        base = slotStart[slot] + HEADER;
        pos = 0;
        buffer.clear();
        crc.reset();
        putInt(state.volumes.size());
        for (VolumeRecord v : state.volumes) {
            byte[] name = v.name().getBytes(StandardCharsets.UTF_8);
            putInt(v.id());
            putInt(v.blockSize());
            putLong(v.capacityBytes());
            putInt(v.volatileWriteCache() ? 1 : 0);
            putInt(v.familyId());
            putInt(v.kind());
            putInt(v.ownerId());
            putInt(v.parentId());
            putLong(v.createdMillis());
            putInt(name.length);
            for (byte b : name) {
                putByte(b);
            }
        }
        putInt(segments.segments());
        for (int s = 0; s < segments.segments(); s++) {
            putLong(segments.state(s) == SegmentTable.FREE ? 0 : segments.lastSeq(s));
            putLong(segments.state(s) == SegmentTable.FREE ? 0 : segments.dataSeq(s));
            putInt(segments.state(s) == SegmentTable.FREE ? 0 : segments.end(s));
        }
        for (VolumeRecord v : state.volumes) {
            putDelta(state.maps.get(v.id()), v.parentId() == 0 ? null : state.maps.get(v.parentId()));
        }
        flushBody();
        long bodyBytes = pos;
        int bodyCrc = (int) crc.getValue();
        device.sync();
        ByteBuffer h = AlignedBuffers.allocate(HEADER);
        h.putLong(0, MAGIC);
        h.putInt(8, VERSION);
        h.putLong(16, poolId);
        h.putLong(24, state.checkpointSeq);
        h.putLong(32, state.epoch);
        h.putLong(40, state.nextSeq);
        h.putInt(48, state.nextVolumeId);
        h.putLong(52, bodyBytes);
        h.putInt(60, bodyCrc);
        for (int i = 0; i < 2; i++) {
            h.putInt(64 + i * 12, state.streamSegment[i]);
            h.putInt(68 + i * 12, state.streamPosition[i]);
            h.putInt(72 + i * 12, state.streamNext[i]);
        }
        crc.reset();
        crc.update(h.duplicate().position(0).limit(HEADER - 4));
        h.putInt(HEADER - 4, (int) crc.getValue());
        device.write(slotStart[slot], h.clear());
        device.sync();
    }

    /**
     * Loads the newer valid slot into {@code state} and {@code segments} (ages and ends); returns
     * false if neither slot holds a valid checkpoint.
     */
    public boolean load(CheckpointState state, SegmentTable segments) throws IOException {
        long[] seqs = {-1, -1};
        ByteBuffer[] headers = new ByteBuffer[2];
        for (int slot = 0; slot < 2; slot++) {
            ByteBuffer h = AlignedBuffers.allocate(HEADER);
            device.read(slotStart[slot], h);
            crc.reset();
            crc.update(h.duplicate().position(0).limit(HEADER - 4));
            if (h.getLong(0) == MAGIC && h.getInt(8) == VERSION && h.getLong(16) == poolId
                    && h.getInt(HEADER - 4) == (int) crc.getValue() && h.getLong(52) <= slotBytes - HEADER) {
                headers[slot] = h;
                seqs[slot] = h.getLong(24);
            }
        }
        int first = seqs[0] >= seqs[1] ? 0 : 1;
        for (int slot : new int[]{first, 1 - first}) {
            if (headers[slot] != null && loadSlot(slot, headers[slot], state, segments)) {
                return true;
            }
        }
        return false;
    }

    private boolean loadSlot(int slot, ByteBuffer h, CheckpointState state, SegmentTable segments)
            throws IOException {
        bodyBytes = h.getLong(52);
        base = slotStart[slot] + HEADER;
        // First pass: the body's CRC, so a torn body is refused before anything is loaded.
        crc.reset();
        for (long at = 0; at < bodyBytes; at += CHUNK) {
            int n = (int) Math.min(CHUNK, bodyBytes - at);
            buffer.clear().limit(AlignedBuffers.alignUp(n));
            device.read(base + at, buffer);
            crc.update(buffer.flip().limit(n));
        }
        if ((int) crc.getValue() != h.getInt(60)) {
            return false;
        }
        state.checkpointSeq = h.getLong(24);
        state.epoch = h.getLong(32);
        state.nextSeq = h.getLong(40);
        state.nextVolumeId = h.getInt(48);
        for (int i = 0; i < 2; i++) {
            state.streamSegment[i] = h.getInt(64 + i * 12);
            state.streamPosition[i] = h.getInt(68 + i * 12);
            state.streamNext[i] = h.getInt(72 + i * 12);
        }
        pos = 0;
        buffer.clear().limit(0);
        int volumes = getInt();
        for (int i = 0; i < volumes; i++) {
            int id = getInt();
            int blockSize = getInt();
            long capacity = getLong();
            boolean vwc = getInt() != 0;
            int family = getInt();
            byte kind = (byte) getInt();
            int owner = getInt();
            int parent = getInt();
            long created = getLong();
            byte[] name = new byte[getInt()];
            for (int k = 0; k < name.length; k++) {
                name[k] = getByte();
            }
            state.volumes.add(new VolumeRecord(id, new String(name, StandardCharsets.UTF_8), blockSize, capacity, vwc,
                    family, kind, owner, parent, created));
        }
        int count = getInt();
        if (count != segments.segments()) {
            throw new IOException("checkpoint has " + count + " segments, the pool " + segments.segments());
        }
        for (int s = 0; s < count; s++) {
            long seq = getLong();
            long data = getLong();
            segments.restore(s, seq, data, getInt());
        }
        for (VolumeRecord v : state.volumes) {
            long blocks = v.capacityBytes() / v.blockSize();
            VolumeMap parent = v.parentId() == 0 ? null : state.maps.get(v.parentId());
            if (v.parentId() != 0 && parent == null) {
                throw new IOException("checkpoint lists image " + v.id() + " before its parent " + v.parentId());
            }
            VolumeMap map = parent == null ? new VolumeMap(blocks) : parent.snapshot(blocks);
            for (long lba; (lba = getLong()) != END; ) {
                long address = getLong();
                int crcOrCount = getInt();
                if (address == 0) {
                    map.clearRange(lba, crcOrCount, (l, a) -> { });
                } else {
                    map.set(lba, address, crcOrCount);
                }
            }
            state.maps.put(v.id(), map);
        }
        return true;
    }

    /**
     * Writes {@code map} as its differences from {@code parent} (null: an empty map). Chunks shared
     * with the parent are skipped without a look at their entries; runs of blocks the parent maps and
     * this map does not become one record.
     */
    private void putDelta(VolumeMap map, VolumeMap parent) {
        for (int c = 0; c < map.chunkCount(); c++) {
            if (map.sameChunk(parent, c) || map.isEmpty(c) && (parent == null || parent.isEmpty(c))) {
                continue;
            }
            long from = (long) c << VolumeMap.CHUNK_SHIFT;
            long end = Math.min(map.blocks(), from + VolumeMap.CHUNK_BLOCKS);
            long run = -1;
            for (long lba = from; lba < end; lba++) {
                long a = map.get(lba);
                long pa = parent == null ? 0 : parent.get(lba);
                if (a == 0 && pa != 0) {
                    run = run < 0 ? lba : run;
                    continue;
                }
                if (run >= 0) {
                    putRecord(run, 0, (int) (lba - run));
                    run = -1;
                }
                if (a != 0 && (a != pa || map.crc(lba) != parent.crc(lba))) {
                    putRecord(lba, a, map.crc(lba));
                }
            }
            if (run >= 0) {
                putRecord(run, 0, (int) (end - run));
            }
        }
        putLong(END);
    }

    private void putRecord(long lba, long address, int crcOrCount) {
        putLong(lba);
        putLong(address);
        putInt(crcOrCount);
    }

    private void putByte(byte b) {
        if (!buffer.hasRemaining()) {
            flushBody();
        }
        buffer.put(b);
    }

    private void putInt(int v) {
        for (int i = 0; i < 4; i++) {
            putByte((byte) (v >>> (i * 8)));
        }
    }

    private void putLong(long v) {
        if (buffer.remaining() >= 8) {
            buffer.putLong(v);
            return;
        }
        for (int i = 0; i < 8; i++) {
            putByte((byte) (v >>> (i * 8)));
        }
    }

    /** Writes the buffer (padded to 4 KiB) to the slot body; the CRC covers only real bytes. */
    private void flushBody() {
        int n = buffer.position();
        if (n == 0) {
            return;
        }
        if (pos + AlignedBuffers.alignUp(n) > slotBytes - HEADER) {
            throw new UncheckedIOException(new IOException("checkpoint does not fit its slot (" + slotBytes + " bytes)"));
        }
        crc.update(buffer.duplicate().flip());
        int padded = AlignedBuffers.alignUp(n);
        while (buffer.position() < padded) {
            buffer.put((byte) 0);
        }
        try {
            device.write(base + pos, buffer.flip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pos += n;
        buffer.clear();
        if (n % BlockDevice.ALIGNMENT != 0) {
            // Only the last flush may be partial: the body ends here.
            buffer.limit(0);
        }
    }

    private byte getByte() throws IOException {
        if (!buffer.hasRemaining()) {
            if (pos >= bodyBytes) {
                throw new IOException("checkpoint body ends early");
            }
            int n = (int) Math.min(CHUNK, bodyBytes - pos);
            buffer.clear().limit(AlignedBuffers.alignUp(n));
            device.read(base + pos, buffer);
            pos += n;
            buffer.flip().limit(n);
        }
        return buffer.get();
    }

    private int getInt() throws IOException {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (getByte() & 0xFF) << (i * 8);
        }
        return v;
    }

    private long getLong() throws IOException {
        if (buffer.remaining() >= 8) {
            return buffer.getLong();
        }
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (getByte() & 0xFFL) << (i * 8);
        }
        return v;
    }
}
