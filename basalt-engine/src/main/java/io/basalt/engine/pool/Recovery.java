package io.basalt.engine.pool;

import io.basalt.engine.checkpoint.CheckpointState;
import io.basalt.engine.checkpoint.Checkpointer;
import io.basalt.engine.checkpoint.VolumeRecord;
import io.basalt.engine.gc.SegmentTable;
import io.basalt.engine.gc.VictimPolicy;
import io.basalt.engine.log.BatchReader;
import io.basalt.engine.log.LogStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.basalt.engine.services.CompressionAlgorithm;
import io.basalt.engine.services.DataKey;
import io.basalt.engine.services.KeyUnwrapException;

import java.io.IOException;

import static io.basalt.engine.log.BatchFormat.TYPE_MOVE;
import static io.basalt.engine.log.BatchFormat.TYPE_TRIM;
import static io.basalt.engine.log.BatchFormat.TYPE_WRITE;

/**
 * Rebuilds the engine's state at open: loads the newest valid checkpoint, replays each stream's
 * chain of batches after it, recounts live space and starts a new epoch.
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

    Recovery(Engine engine, EngineState state, SpaceAccounting space, Checkpointer checkpointer) {
        this.engine = engine;
        this.state = state;
        this.table = state.table;
        this.reader = state.reader;
        this.space = space;
        this.checkpointer = checkpointer;
    }

    /** Loads and replays; the streams are left closed (the caller opens fresh segments). */
    void recover() throws IOException {
        CheckpointState cp = new CheckpointState();
        if (!checkpointer.load(cp, table)) {
            throw new IOException("no valid checkpoint in either slot: not a usable pool");
        }
        state.checkpointSeq = cp.checkpointSeq;
        state.nextVolumeId = cp.nextVolumeId;
        for (VolumeRecord v : cp.volumes) {
            state.volumes.put(v.id(), new EngineBlockStore(engine, v.id(), v.name(), v.blockSize(), v.capacityBytes(),
                    v.volatileWriteCache(), cp.maps.get(v.id()), options(v), v.family(), unwrap(v), v.wrappedKey()));
        }
        long maxSeq = cp.nextSeq - 1;
        int batches = 0;
        for (int s = 0; s < 2; s++) {
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
        }
        for (EngineBlockStore v : state.volumes.values()) {
            v.map.forEach((lba, address, c) -> space.acquire(v, address));
        }
        for (int s = 0; s < table.segments(); s++) {
            table.setState(s, table.live(s) > 0 ? SegmentTable.FULL : SegmentTable.FREE);
        }
        state.epoch = Math.max(cp.epoch, maxSeq >>> EngineState.EPOCH_SHIFT) + 1;
        // The counter continues (segment ages compare by it); the epoch makes older junk look old.
        state.nextSeq = (state.epoch << EngineState.EPOCH_SHIFT) | ((maxSeq & VictimPolicy.COUNTER_MASK) + 1);
        LOG.info("Recovered pool {}: checkpoint {}, {} batches replayed, {} volumes, {} of {} segments free",
                Long.toHexString(state.poolId), state.checkpointSeq, batches, state.volumes.size(), table.freeCount(),
                table.segments());
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
        for (int i = 0; i < reader.count(); i++) {
            EngineBlockStore v = state.volumes.get(reader.volumeId(i));
            long lba = reader.lba(i);
            if (v == null || lba >= v.map.blocks()) {
                continue;
            }
            switch (reader.type(i)) {
                case TYPE_WRITE -> v.map.set(lba, reader.address(i), reader.crc(i));
                case TYPE_TRIM -> v.map.clearRange(lba, reader.arg(i), (l, a) -> { });
                case TYPE_MOVE -> {
                    if (v.map.get(lba) == reader.arg(i)) {
                        v.map.set(lba, reader.address(i), reader.crc(i));
                    }
                }
                default -> { }
            }
        }
    }
}
