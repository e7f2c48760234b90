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

import java.io.IOException;

import static io.basalt.engine.log.BatchFormat.TYPE_MOVE;
import static io.basalt.engine.log.BatchFormat.TYPE_SNAPSHOT;
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
    private final ImageTree tree;

    Recovery(Engine engine, EngineState state, SpaceAccounting space, Checkpointer checkpointer, ImageTree tree) {
        this.engine = engine;
        this.state = state;
        this.table = state.table;
        this.reader = state.reader;
        this.space = space;
        this.checkpointer = checkpointer;
        this.tree = tree;
    }

    /** Loads and replays; the streams are left closed (the caller opens fresh segments). */
    void recover() throws IOException {
        CheckpointState cp = new CheckpointState();
        if (!checkpointer.load(cp, table)) {
            throw new IOException("no valid checkpoint in either slot: not a usable pool");
        }
        state.checkpointSeq = cp.checkpointSeq;
        // Parents come before children in a checkpoint.
        for (VolumeRecord v : cp.volumes) {
            EngineBlockStore image = new EngineBlockStore(engine, v.id(), v.name(), v.blockSize(), v.capacityBytes(),
                    v.volatileWriteCache(), cp.maps.get(v.id()));
            image.setKind(v.kind());
            image.ownerId = v.ownerId();
            image.createdMillis = v.createdMillis();
            if (v.kind() == EngineBlockStore.HIDDEN) {
                image.markDeleted();
            }
            tree.join(image, state.families.computeIfAbsent(v.familyId(), Family::new),
                    v.parentId() == 0 ? null : state.volumes.get(v.parentId()));
        }
        state.nextVolumeId = Math.max(state.nextVolumeId, cp.nextVolumeId);
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
        tree.acquireAll();
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
            long lba = reader.lba(i);
            if (reader.type(i) == TYPE_MOVE) {
                // Every image of the writer's family that holds the old address moves with it.
                Family f = state.families.get(reader.family(i));
                if (f != null) {
                    tree.move(f, lba, reader.arg(i), reader.address(i), reader.crc(i));
                }
                continue;
            }
            EngineBlockStore v = state.volumes.get(reader.volumeId(i));
            if (v == null) {
                continue;
            }
            if (reader.type(i) == TYPE_SNAPSHOT) {
                if (state.volumes.containsKey((int) lba)) {
                    continue;
                }
                tree.snapshot(v, (int) lba, SnapshotName.decode(reader.buffer(), reader.payloadIndex(i)), reader.arg(i));
                continue;
            }
            if (lba >= v.map.blocks()) {
                continue;
            }
            switch (reader.type(i)) {
                case TYPE_WRITE -> v.map.set(lba, reader.address(i), reader.crc(i));
                case TYPE_TRIM -> v.map.clearRange(lba, reader.arg(i), (l, a) -> { });
                default -> { }
            }
        }
    }
}
