package io.basalt.engine.checkpoint;

import io.basalt.engine.checkpoint.BodyReader.Malformed;
import io.basalt.engine.device.AlignedBuffers;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.gc.SegmentTable;
import io.basalt.engine.log.LogStream;
import io.basalt.engine.map.ExtentTable;
import io.basalt.engine.map.VolumeMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Writes and loads checkpoints in two slots (A, B) of device 0, alternately, each written whole:
 * a 4 KiB header then a body, streamed through one aligned buffer: the images (volumes and
 * snapshots, parents before children), segment sequences, data ages and ends, then each image's
 * map as a <em>delta against its parent's</em> — records {@code (lba u64, address u64, crc u32)} in
 * ascending LBA order, where address 0 means "{@code crc} blocks from {@code lba} are unmapped",
 * ended by lba −1. A chunk an image shares with its parent costs nothing, so 100 snapshots of a
 * volume do not multiply the body, and loading rebuilds the sharing: each image starts as a copy of
 * its parent's directory. Loading reads the body once, with {@link ReadAhead}, and parses it while
 * the next piece is read.
 *
 * <pre>
 * header: 0 magic u64 | 8 version u32 | 12 reserved | 16 poolId | 24 checkpointSeq | 32 epoch
 *         40 nextSeq | 48 nextVolumeId u32 | 52 bodyBytes u64 | 60 bodyCrc u32
 *         64 streams: 3 x (segment u32, position u32, next u32) | 4092 headerCrc u32
 * (version 3 had 2 streams; it still loads, the third stream starting empty)
 * </pre>
 *
 * <p>Durability invariant: {@link #write} returns after the body and header are synced; until then
 * the other slot still holds the previous checkpoint intact, and a torn slot fails its CRCs.
 */
public final class Checkpointer {
    public static final long MAGIC = 0x54504b434c534242L; // "BBSLCKPT"
    /**
     * 2: volume records carry services (compression, dedup, encryption), family and wrapped data key;
     * extents. 3: images (kind, owner, parent, time), maps as deltas against the parent's. 4: a third
     * stream (the cleaner's "colder" one); version 3 still loads, that stream starting empty.
     */
    public static final int VERSION = 4;
    private static final int VERSION_TWO_STREAMS = 3;
    private static final int STREAMS_V3 = 2;
    public static final int HEADER = 4096;
    /** Bytes per mapped block in the body. */
    public static final int ENTRY_BYTES = 20;
    /**
     * Bytes per dedup extent in the body: {@code (id u64, address u64, crc u32, owner u32, domain
     * u32, fingerprint 4 × u64)}. The fingerprint of an encrypted volume's extent is keyed (HMAC).
     */
    public static final int EXTENT_BYTES = 60;
    /**
     * Body bytes an image record may take: fixed fields, a 255-byte name, services, a wrapped key,
     * kind, owner, parent, creation time — and the end mark of its map's delta.
     */
    static final int VOLUME_RECORD_BYTES = 24 + 255 + 16 + VolumeRecord.MAX_WRAPPED_KEY + 20 + 8;
    /** An image record without its name and key: id, block size, capacity, flags, name length, services, image. */
    private static final int VOLUME_RECORD_MIN_BYTES = 24 + 16 + 20;
    /**
     * Images (volumes, snapshots, hidden snapshots) a pool may hold per volume it may hold: sizes the
     * image table (1 024 images with the default 256 volumes, ≈ 0.45 MB per slot).
     */
    public static final int IMAGES_PER_VOLUME = 4;
    /** Ends an image's delta. */
    private static final long END = -1;
    private static final int SEGMENT_RECORD_BYTES = 20;
    private static final int MAX_NAME_BYTES = 255;
    /** The most blocks a {@link VolumeMap} can index; more is a corrupt record, not a volume. */
    private static final long MAX_BLOCKS = (long) (Integer.MAX_VALUE - 8) << VolumeMap.CHUNK_SHIFT;
    private static final VolumeMap.Released NOTHING_RELEASED = (lba, address) -> { };
    /** Bytes the body is read in, each piece parsed while the next is read. */
    private static final int CHUNK = 1 << 20;

    private final BlockDevice device;
    private final long[] slotStart;
    private final long slotBytes;
    private final long poolId;
    /** Where {@link #write} serialises the body. */
    private final BodyWriter out;
    /** Where {@link #load} parses it. */
    private final BodyReader in = new BodyReader();
    /** For the headers. */
    private final CRC32C crc = new CRC32C();
    private long bodyBytes;

    /** Body bytes of the checkpoint last written or loaded: what the next one will cost, about. */
    public long lastBodyBytes() {
        return bodyBytes;
    }

    public Checkpointer(BlockDevice device, long slotAStart, long slotBytes, long poolId) {
        this.device = device;
        this.slotStart = new long[]{slotAStart, slotAStart + slotBytes};
        this.slotBytes = slotBytes;
        this.poolId = poolId;
        this.out = new BodyWriter(device, slotBytes - HEADER);
    }

    /** The slot size a pool needs: header, images, 20 bytes per segment, {@link #ENTRY_BYTES} per block. */
    public static long slotBytesFor(long segments, long dataBlocks, int maxVolumes) {
        return AlignedBuffers.alignUp(HEADER + 8 + maxImages(maxVolumes) * (long) VOLUME_RECORD_BYTES + 4
                + segments * 20 + dataBlocks * ENTRY_BYTES);
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
        out.start(slotStart[slot] + HEADER);
        out.putInt(state.volumes.size());
        for (VolumeRecord v : state.volumes) {
            byte[] name = v.name().getBytes(StandardCharsets.UTF_8);
            out.putInt(v.id());
            out.putInt(v.blockSize());
            out.putLong(v.capacityBytes());
            out.putInt(v.volatileWriteCache() ? 1 : 0);
            out.putInt(name.length);
            for (byte b : name) {
                out.putByte(b);
            }
            out.putInt(v.family());
            out.putInt(v.compressionTag());
            out.putInt((v.dedup() ? 1 : 0) | (v.encrypted() ? 2 : 0));
            byte[] key = v.wrappedKey() == null ? new byte[0] : v.wrappedKey();
            out.putInt(key.length);
            for (byte b : key) {
                out.putByte(b);
            }
            out.putInt(v.kind());
            out.putInt(v.ownerId());
            out.putInt(v.parentId());
            out.putLong(v.createdMillis());
        }
        out.putInt(segments.segments());
        for (int s = 0; s < segments.segments(); s++) {
            out.putLong(segments.state(s) == SegmentTable.FREE ? 0 : segments.lastSeq(s));
            out.putLong(segments.state(s) == SegmentTable.FREE ? 0 : segments.dataSeq(s));
            out.putInt(segments.state(s) == SegmentTable.FREE ? 0 : segments.end(s));
        }
        for (VolumeRecord v : state.volumes) {
            putDelta(state.maps.get(v.id()), v.parentId() == 0 ? null : state.maps.get(v.parentId()));
        }
        ExtentTable extents = state.extents;
        out.putLong(extents.liveCount());
        extents.forEachLive(id -> {
            out.putLong(id);
            out.putLong(extents.address(id));
            out.putInt(extents.crc(id));
            out.putInt(extents.owner(id));
            out.putInt(extents.domain(id));
            for (int k = 0; k < ExtentTable.FP_LONGS; k++) {
                out.putLong(extents.fingerprint(id, k));
            }
        });
        bodyBytes = out.finish();
        int bodyCrc = out.crc();
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
        for (int i = 0; i < LogStream.STREAMS; i++) {
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
     * false if neither slot holds a valid checkpoint. A refused slot may have restored some segments;
     * the slot loaded after it restores every one.
     */
    public boolean load(CheckpointState state, SegmentTable segments) throws IOException {
        long[] seqs = {-1, -1};
        ByteBuffer[] headers = new ByteBuffer[2];
        int otherVersion = 0;
        for (int slot = 0; slot < 2; slot++) {
            ByteBuffer h = AlignedBuffers.allocate(HEADER);
            device.read(slotStart[slot], h);
            crc.reset();
            crc.update(h.duplicate().position(0).limit(HEADER - 4));
            boolean intact = h.getLong(0) == MAGIC && h.getLong(16) == poolId
                    && h.getInt(HEADER - 4) == (int) crc.getValue();
            boolean known = h.getInt(8) == VERSION || h.getInt(8) == VERSION_TWO_STREAMS;
            if (intact && known && h.getLong(52) <= slotBytes - HEADER) {
                headers[slot] = h;
                seqs[slot] = h.getLong(24);
            } else if (intact && !known) {
                otherVersion = h.getInt(8);
            }
        }
        if (headers[0] == null && headers[1] == null && otherVersion != 0) {
            throw new IOException("the pool's checkpoints are format version " + otherVersion + "; this version of"
                    + " Basalt reads versions " + VERSION_TWO_STREAMS + " and " + VERSION + " only (pools formatted before snapshots cannot be"
                    + " opened: copy the volumes out with the older version and create the pool anew)");
        }
        int first = seqs[0] >= seqs[1] ? 0 : 1;
        for (int slot : new int[]{first, 1 - first}) {
            if (headers[slot] != null && loadSlot(slot, headers[slot], state, segments)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the body once, parsing it as it arrives and computing its CRC on the way (reading it
     * twice, CRC first, cost as much again as the parsing at tens of millions of blocks). Until the
     * CRC is checked the body is untrusted: every count must fit the bytes left, map entries must
     * ascend within the volume, and a map's chunk directory grows with the LBAs seen, not with the
     * recorded capacity, so a corrupt field cannot make the load allocate more than the entries
     * themselves. {@code state} is filled only once the CRC matches.
     */
    private boolean loadSlot(int slot, ByteBuffer h, CheckpointState state, SegmentTable segments)
            throws IOException {
        bodyBytes = h.getLong(52);
        List<VolumeRecord> volumes = new ArrayList<>();
        List<VolumeMap> maps = new ArrayList<>();
        long[] extents;
        int segmentCount;
        int bodyCrc;
        try (ReadAhead body = new ReadAhead(device, slotStart[slot] + HEADER, bodyBytes, CHUNK)) {
            in.start(body, bodyBytes);
            int count = in.getInt();
            if (count < 0 || count > in.remaining() / VOLUME_RECORD_MIN_BYTES) {
                throw new Malformed("volume count " + count);
            }
            for (int i = 0; i < count; i++) {
                volumes.add(getVolume());
            }
            segmentCount = in.getInt();
            if (segmentCount < 0 || segmentCount > in.remaining() / SEGMENT_RECORD_BYTES) {
                throw new Malformed("segment count " + segmentCount);
            }
            boolean fits = segmentCount == segments.segments();
            for (int s = 0; s < segmentCount; s++) {
                long seq = in.getLong();
                long data = in.getLong();
                int end = in.getInt();
                if (fits) {
                    segments.restore(s, seq, data, end);
                }
            }
            Map<Integer, VolumeMap> byId = new HashMap<>();
            for (VolumeRecord v : volumes) {
                VolumeMap parent = null;
                if (v.parentId() != 0 && (parent = byId.get(v.parentId())) == null) {
                    throw new Malformed("image " + v.id() + " listed before its parent " + v.parentId());
                }
                VolumeMap map = getMap(v.capacityBytes() / v.blockSize(), parent);
                byId.put(v.id(), map);
                maps.add(map);
            }
            extents = getExtents();
            if (in.remaining() != 0) {
                throw new Malformed(in.remaining() + " bytes after the last extent");
            }
            bodyCrc = body.crc();
        } catch (Malformed e) {
            return false;
        } finally {
            in.end();
        }
        if (bodyCrc != h.getInt(60)) {
            return false;
        }
        if (segmentCount != segments.segments()) {
            throw new IOException("checkpoint has " + segmentCount + " segments, the pool " + segments.segments());
        }
        state.checkpointSeq = h.getLong(24);
        state.epoch = h.getLong(32);
        state.nextSeq = h.getLong(40);
        state.nextVolumeId = h.getInt(48);
        int streams = h.getInt(8) == VERSION_TWO_STREAMS ? STREAMS_V3 : LogStream.STREAMS;
        for (int i = 0; i < streams; i++) {
            state.streamSegment[i] = h.getInt(64 + i * 12);
            state.streamPosition[i] = h.getInt(68 + i * 12);
            state.streamNext[i] = h.getInt(72 + i * 12);
        }
        for (int i = 0; i < volumes.size(); i++) {
            VolumeRecord v = volumes.get(i);
            VolumeMap map = maps.get(i);
            map.resize(v.capacityBytes() / v.blockSize(), NOTHING_RELEASED);
            state.volumes.add(v);
            state.maps.put(v.id(), map);
        }
        long[] fp = new long[ExtentTable.FP_LONGS];
        for (int at = 0; at < extents.length; at += EXTENT_LONGS) {
            int domain = (int) extents[at + 4];
            System.arraycopy(extents, at + 5, fp, 0, fp.length);
            state.extents.restore(extents[at], domain, (int) extents[at + 3], extents[at + 1], (int) extents[at + 2],
                    domain == ExtentTable.NO_DOMAIN ? null : fp, 0);
        }
        return true;
    }

    /** Longs per parsed extent: id, address, crc, owner, domain, 4 fingerprint longs. */
    private static final int EXTENT_LONGS = 9;

    /** The extent records, parsed into longs (nothing enters the state before the body's CRC matches). */
    private long[] getExtents() throws IOException {
        long count = in.getLong();
        if (count < 0 || count > in.remaining() / EXTENT_BYTES || count > Integer.MAX_VALUE / EXTENT_LONGS) {
            throw new Malformed("extent count " + count);
        }
        long[] parsed = new long[(int) count * EXTENT_LONGS];
        for (int at = 0; at < parsed.length; at += EXTENT_LONGS) {
            parsed[at] = in.getLong();
            parsed[at + 1] = in.getLong();
            parsed[at + 2] = in.getInt();
            parsed[at + 3] = in.getInt();
            parsed[at + 4] = in.getInt();
            for (int k = 0; k < ExtentTable.FP_LONGS; k++) {
                parsed[at + 5 + k] = in.getLong();
            }
            if (parsed[at] <= 0 || parsed[at] > Integer.MAX_VALUE - 8) {
                throw new Malformed("extent id " + parsed[at]);
            }
        }
        return parsed;
    }

    private VolumeRecord getVolume() throws IOException {
        int id = in.getInt();
        int blockSize = in.getInt();
        long capacity = in.getLong();
        boolean vwc = in.getInt() != 0;
        int length = in.getInt();
        if (blockSize <= 0 || Integer.bitCount(blockSize) != 1 || capacity <= 0 || capacity % blockSize != 0
                || capacity / blockSize > MAX_BLOCKS || length < 0 || length > MAX_NAME_BYTES) {
            throw new Malformed("volume record " + id);
        }
        byte[] name = new byte[length];
        for (int k = 0; k < length; k++) {
            name[k] = in.getByte();
        }
        int family = in.getInt();
        int compression = in.getInt();
        int services = in.getInt();
        int keyLength = in.getInt();
        if (keyLength < 0 || keyLength > VolumeRecord.MAX_WRAPPED_KEY) {
            throw new Malformed("volume " + id + " has a wrapped key of " + keyLength + " bytes");
        }
        byte[] key = keyLength == 0 ? null : new byte[keyLength];
        for (int k = 0; k < keyLength; k++) {
            key[k] = in.getByte();
        }
        int kind = in.getInt();
        int owner = in.getInt();
        int parent = in.getInt();
        long created = in.getLong();
        if (kind < VolumeRecord.VOLUME || kind > VolumeRecord.HIDDEN || parent == id) {
            throw new Malformed("image record " + id);
        }
        return new VolumeRecord(id, new String(name, StandardCharsets.UTF_8), blockSize, capacity, vwc, compression,
                (services & 1) != 0, (services & 2) != 0, family, key, (byte) kind, owner, parent, created);
    }

    /**
     * An image's map: a copy of its parent's directory (sharing every chunk), then its delta, in
     * ascending LBA order. The directory covers the highest LBA seen, never more than the parent's
     * or the recorded size (which is not trusted before the CRC is).
     */
    private VolumeMap getMap(long blocks, VolumeMap parent) throws IOException {
        VolumeMap map = parent == null ? new VolumeMap(0) : parent.snapshot(Math.min(parent.blocks(), blocks));
        long previous = -1;
        for (long lba; (lba = in.getLong()) != END; ) {
            long address = in.getLong();
            int c = in.getInt();
            long last = address == 0 ? lba + c - 1 : lba;
            if (lba <= previous || last >= blocks || address == 0 && c <= 0) {
                throw new Malformed("map record for block " + lba + " after " + previous + " of " + blocks);
            }
            if (last >= map.blocks()) {
                map.resize(Math.min(blocks, Math.max(last + 1, 2 * map.blocks())), NOTHING_RELEASED);
            }
            if (address == 0) {
                map.clearRange(lba, c, NOTHING_RELEASED);
            } else {
                map.set(lba, address, c);
            }
            previous = last;
        }
        return map;
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
                    out.putEntry(run, 0, (int) (lba - run));
                    run = -1;
                }
                if (a != 0 && (a != pa || map.crc(lba) != parent.crc(lba))) {
                    out.putEntry(lba, a, map.crc(lba));
                }
            }
            if (run >= 0) {
                out.putEntry(run, 0, (int) (end - run));
            }
        }
        out.putLong(END);
    }
}
