package io.basalt.engine.pool;

import io.basalt.engine.checkpoint.CheckpointState;
import io.basalt.engine.checkpoint.Checkpointer;
import io.basalt.engine.checkpoint.VolumeRecord;
import io.basalt.engine.dedup.Dedup;
import io.basalt.engine.gc.SegmentTable;
import io.basalt.engine.gc.VictimPolicy;
import io.basalt.engine.log.BatchReader;
import io.basalt.engine.log.LogStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.basalt.engine.services.CompressionAlgorithm;
import io.basalt.engine.services.DataKey;
import io.basalt.engine.services.KeyUnwrapException;

import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.map.ExtentTable;
import io.basalt.engine.map.VolumeMap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static io.basalt.engine.log.BatchFormat.EXTENT_SEED;
import static io.basalt.engine.log.BatchFormat.TYPE_MOVE;
import static io.basalt.engine.log.BatchFormat.TYPE_SNAPSHOT;
import static io.basalt.engine.log.BatchFormat.TYPE_MOVE_EXTENT;
import static io.basalt.engine.log.BatchFormat.TYPE_REF;
import static io.basalt.engine.log.BatchFormat.TYPE_TRIM;
import static io.basalt.engine.log.BatchFormat.TYPE_WRITE;
import static io.basalt.engine.log.BatchFormat.TYPE_WRITE_EXTENT;

/**
 * Rebuilds the engine's state at open: loads the newest valid checkpoint, replays each stream's
 * chain of batches after it, recounts live space and starts a new epoch.
 *
 * <p>Dedup: the checkpoint holds the live extents; a replayed WRITE_EXTENT (re)defines its extent
 * (its fingerprint recomputed from the payload), a REF points a map entry at one, a MOVE_EXTENT
 * moves one if it is still where the record says. Reference counts are then recounted from the
 * maps, extents no map refers to are freed, and the fingerprint index is rebuilt from the rest.
 *
 * <p>A batch is applied only if its header and every payload check out and its sequence follows
 * the previous one; the first that fails ends the segment, and the stream goes on at {@code next}
 * if a valid newer batch starts there. What follows was never acknowledged (acks follow the sync).
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final Engine engine;
    private final EngineState state;
    private final SegmentTable table;
    private final BatchReader reader;
    private final SpaceAccounting space;
    private final Checkpointer checkpointer;
    private final Dedup dedup;
    private final PayloadDecoder decoder;
    /** A view of the reader's buffer for decoding, so the reader's own positions stay put. */
    private final ByteBuffer payloadView;
    private final long[] fingerprint = new long[ExtentTable.FP_LONGS];
    private final ImageTree tree;

    Recovery(Engine engine, EngineState state, SpaceAccounting space, Checkpointer checkpointer, Dedup dedup,
             PayloadDecoder decoder, ImageTree tree) {
        this.engine = engine;
        this.dedup = dedup;
        this.decoder = decoder;
        this.payloadView = state.reader.buffer().duplicate();
        this.state = state;
        this.table = state.table;
        this.reader = state.reader;
        this.space = space;
        this.checkpointer = checkpointer;
        this.tree = tree;
    }

    /**
     * Where each stream's log ended: segment, position after its last valid batch, and its reserved
     * {@code next}; {@code -1} segment if the stream cannot go on there (see {@link #resumable}).
     */
    final int[] tailSegment = new int[LogStream.STREAMS];
    final int[] tailPosition = new int[LogStream.STREAMS];
    final int[] tailNext = new int[LogStream.STREAMS];

    /** Loads and replays; the streams are left closed (the caller resumes them at their tails or opens fresh ones). */
    void recover() throws IOException {
        CheckpointState cp = new CheckpointState();
        cp.extents = state.extents;
        if (!checkpointer.load(cp, table)) {
            throw new IOException("no valid checkpoint in either slot: not a usable pool");
        }
        state.checkpointSeq = cp.checkpointSeq;
        // Parents come before children in a checkpoint.
        for (VolumeRecord v : cp.volumes) {
            EngineBlockStore image = new EngineBlockStore(engine, v.id(), v.name(), v.blockSize(), v.capacityBytes(),
                    v.volatileWriteCache(), cp.maps.get(v.id()), options(v), v.family(), unwrap(v), v.wrappedKey());
            image.setKind(v.kind());
            image.ownerId = v.ownerId();
            image.createdMillis = v.createdMillis();
            if (v.kind() == EngineBlockStore.HIDDEN) {
                image.markDeleted();
            }
            tree.join(image, state.families.computeIfAbsent(v.family(), Family::new),
                    v.parentId() == 0 ? null : state.volumes.get(v.parentId()));
        }
        state.nextVolumeId = Math.max(state.nextVolumeId, cp.nextVolumeId);
        long maxSeq = cp.nextSeq - 1;
        int batches = 0;
        for (int s = 0; s < LogStream.STREAMS; s++) {
            int seg = cp.streamSegment[s];
            int pos = cp.streamPosition[s];
            int next = cp.streamNext[s];
            long last = cp.nextSeq - 1;
            while (seg >= 0) {
                if (!tryRead(seg, pos, s, last)) {
                    if (next < 0 || next == seg || !tryRead(next, 0, s, last)) {
                        break;
                    }
                    seg = next;
                    pos = 0;
                }
                replayBatch();
                table.written(seg, reader.seq(), pos + reader.totalBytes());
                table.aged(seg, s == LogStream.HOT ? reader.seq() : table.dataSeq(seg));
                last = reader.seq();
                next = reader.next();
                pos += reader.totalBytes();
                maxSeq = Math.max(maxSeq, last);
                batches++;
            }
            tailSegment[s] = seg;
            tailPosition[s] = pos;
            tailNext[s] = next;
        }
        recount();
        for (int s = 0; s < LogStream.STREAMS; s++) {
            if (!resumable(s)) {
                tailSegment[s] = -1;
            }
        }
        for (int s = 0; s < table.segments(); s++) {
            table.setState(s, table.live(s) > 0 ? SegmentTable.FULL : SegmentTable.FREE);
        }
        for (int s = 0; s < LogStream.STREAMS; s++) {
            if (tailSegment[s] >= 0) {
                table.setState(tailSegment[s], SegmentTable.OPEN);
                // A tail without live data was made FREE above, which forgot where its batches end.
                table.written(tailSegment[s], table.lastSeq(tailSegment[s]), tailPosition[s]);
                table.setState(tailNext[s], SegmentTable.OPEN);
            }
        }
        state.epoch = Math.max(cp.epoch, maxSeq >>> EngineState.EPOCH_SHIFT) + 1;
        // The counter continues (segment ages compare by it); the epoch makes older junk look old.
        state.log.startAt((state.epoch << EngineState.EPOCH_SHIFT) | ((maxSeq & VictimPolicy.COUNTER_MASK) + 1));
        LOG.info("Recovered pool {}: checkpoint {}, {} batches replayed, {} volumes, {} of {} segments free",
                Long.toHexString(state.poolId), state.checkpointSeq, batches, state.volumes.size(), table.freeCount(),
                table.segments());
    }

    /** Live space and extent references from the maps; unreferenced extents freed, the dedup index rebuilt. */
    /**
     * Whether stream {@code s} can go on where its log ended rather than in fresh segments: its tail
     * segment and reserved {@code next} are distinct, used by no other stream, and {@code next} holds
     * nothing live. Going on costs no segment, where fresh ones would cost two per stream and leave
     * the old tails partly written — a pool restarted again and again faster than it cleans would
     * run out of free segments. Junk beyond the tail (a torn batch) is overwritten or, being of an
     * older epoch, never follows a newer batch in replay.
     */
    private boolean resumable(int s) {
        int seg = tailSegment[s];
        int next = tailNext[s];
        if (seg < 0 || next < 0 || seg == next || table.live(next) != 0
                || seg >= table.segments() || next >= table.segments()) {
            return false;
        }
        for (int o = 0; o < s; o++) {
            if (tailSegment[o] >= 0 && (tailSegment[o] == seg || tailSegment[o] == next
                    || tailNext[o] == seg || tailNext[o] == next)) {
                return false;
            }
        }
        return true;
    }

    private void recount() {
        ExtentTable extents = state.extents;
        extents.clearRefs();
        List<long[]> dangling = new ArrayList<>();
        // Each address is counted by the pool once, by the image at the top of the subtree holding it
        // (its parent does not hold it); each volume's usage counts all it maps. Chunks a snapshot
        // shares with its parent are skipped unread: hundreds of snapshots cost what they changed.
        for (EngineBlockStore v : state.volumes.values()) {
            VolumeMap parent = v.parent == null ? null : v.parent.map;
            boolean volume = v.kind() == EngineBlockStore.VOLUME;
            for (int c = 0; c < v.map.chunkCount(); c++) {
                boolean shared = parent != null && v.map.sameChunk(parent, c);
                if (shared && !volume) {
                    continue;
                }
                v.map.forEachIn(c, (lba, address, crc) -> {
                    if (PhysAddr.isExtent(address)
                            && extents.state(PhysAddr.extentId(address)) == ExtentTable.FREE) {
                        dangling.add(new long[]{v.id(), lba});
                    } else {
                        space.recount(v, address, !shared && (parent == null || parent.get(lba) != address));
                    }
                });
            }
        }
        for (long[] d : dangling) {
            // Cannot happen if the log is intact; a block that reads as an error beats one that reads as zeros.
            LOG.error("Volume {} block {} refers to a dedup extent that no longer exists; it is unmapped", d[0], d[1]);
            state.volumes.get((int) d[0]).map.clear(d[1]);
        }
        extents.freeUnreferenced();
        dedup.rebuildIndex();
    }

    private static VolumeOptions options(VolumeRecord v) throws IOException {
        for (CompressionAlgorithm a : CompressionAlgorithm.values()) {
            if (a.tag() == v.compressionTag()) {
                return new VolumeOptions(a, v.dedup(), v.encrypted());
            }
        }
        throw new IOException("volume " + v.name() + " has unknown compression " + v.compressionTag());
    }

    /** The volume's data key, unwrapped with the pool's KEK; a clear error if there is none or the wrong one. */
    private DataKey unwrap(VolumeRecord v) throws IOException {
        if (!v.encrypted()) {
            return null;
        }
        if (v.wrappedKey() == null) {
            throw new IOException("encrypted volume " + v.name() + " has no key in the checkpoint");
        }
        if (state.kek == null) {
            throw new IOException("volume " + v.name() + " is encrypted: opening the pool needs its key-encryption"
                    + " key (--kek-file)");
        }
        try {
            return state.kek.unwrap(v.wrappedKey());
        } catch (KeyUnwrapException e) {
            throw new IOException("volume " + v.name() + ": " + e.getMessage() + " (wrong --kek-file?)");
        }
    }

    private boolean tryRead(int segment, int position, int stream, long seqAbove) {
        try {
            return reader.read(segment, position, stream, seqAbove, true);
        } catch (IOException e) {
            LOG.warn("Replay: reading segment {} at {} failed ({}); the log ends there", segment, position, e.toString());
            return false;
        }
    }

    private void replayBatch() {
        ExtentTable extents = state.extents;
        for (int i = 0; i < reader.count(); i++) {
            EngineBlockStore v = state.volumes.get(reader.volumeId(i));
            long lba = reader.lba(i);
            byte type = reader.type(i);
            if (type == TYPE_WRITE_EXTENT) {
                replayExtent(v, i);
            } else if (type == TYPE_MOVE_EXTENT) {
                // A MOVE_EXTENT of an earlier incarnation of a reused id would have another address or CRC.
                long id = reader.arg(i);
                if (extents.isLive(id) && extents.address(id) == lba && extents.crc(id) == reader.crc(i)) {
                    extents.move(id, reader.address(i));
                }
                continue;
            }
            if (type == TYPE_MOVE) {
                // Every image of the family (the seed) that holds the old address moves with it.
                Family f = state.families.get(reader.seed(i));
                if (f != null) {
                    tree.move(f, lba, reader.arg(i), reader.address(i), reader.crc(i));
                }
                continue;
            }
            if (type == TYPE_SNAPSHOT) {
                if (v != null && !state.volumes.containsKey((int) lba)) {
                    tree.snapshot(v, (int) lba, SnapshotName.decode(reader.buffer(), reader.payloadIndex(i)),
                            reader.arg(i));
                }
                continue;
            }
            if (v == null || lba >= v.map.blocks()) {
                continue;
            }
            switch (type) {
                case TYPE_WRITE -> v.map.set(lba, reader.address(i), reader.crc(i));
                case TYPE_TRIM -> v.map.clearRange(lba, reader.arg(i), (l, a) -> { });
                case TYPE_WRITE_EXTENT, TYPE_REF -> {
                    if (extents.state(reader.arg(i)) != ExtentTable.FREE) {
                        v.map.set(lba, PhysAddr.extent(reader.arg(i)), 0);
                    }
                }
                default -> { }
            }
        }
    }

    /** Re-creates the extent a WRITE_EXTENT wrote, with its fingerprint from the payload (decrypted, decompressed). */
    private void replayExtent(EngineBlockStore v, int i) {
        long id = reader.arg(i);
        long address = reader.address(i);
        int crc = reader.crc(i);
        byte[] block = v == null ? null
                : decoder.decode(v, EXTENT_SEED, id, address, crc, payloadView, reader.payloadIndex(i));
        if (block == null) {
            // The writer is gone (or the payload does not decode): keep the extent, unmatched by lookups.
            state.extents.restore(id, ExtentTable.NO_DOMAIN, reader.volumeId(i), address, crc, null, 0);
            return;
        }
        dedup.fingerprintInto(v.key(), block, v.blockSize(), fingerprint);
        state.extents.restore(id, PayloadPipeline.domain(v), v.id(), address, crc, fingerprint, 0);
    }
}
