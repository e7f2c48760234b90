package io.basalt.engine.pool;

import io.basalt.engine.checkpoint.CheckpointState;
import io.basalt.engine.checkpoint.Checkpointer;
import io.basalt.engine.checkpoint.VolumeRecord;
import io.basalt.engine.log.LogStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * Takes checkpoints on the engine thread: commits both streams' open batches, syncs, and writes
 * volumes, segment table, maps and stream positions into the older slot. Taken every
 * {@link PoolConfig#checkpointIntervalBytes()} of log (bounding replay) or a sixteenth of the pool,
 * whichever is less — stretched to {@link #LOG_PER_CHECKPOINT_BYTE} times the last checkpoint's size
 * (still at most a sixteenth of the pool) when the map is large (the cleaner may only take segments older than the last checkpoint: with a
 * checkpoint per pool's worth of log it would choose among the oldest segments, not the emptiest), when the cleaner has no
 * eligible victim, on volume changes and on close.
 *
 * <p>Durability invariant: when {@link #checkpoint} returns, everything the state names is on the
 * devices, so the log before the recorded positions is never replayed again.
 */
final class Checkpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    private final EngineState state;
    private final Checkpointer checkpointer;
    private final LogWriter log;
    private final WritePath writes;
    private final Cleaner cleaner;
    private long checkpoints;
    /**
     * Log bytes per checkpoint byte, at least: a checkpoint writes the whole map (20 bytes per mapped
     * block), so with a fixed interval a large map would cost more device writes than the data itself
     * (50 M blocks: 1 GB per 256 MiB of log). With 8, checkpoints add at most 1/8 to the device
     * writes; the price is a longer replay after a crash (at most 8 checkpoints' worth of log).
     */
    static final int LOG_PER_CHECKPOINT_BYTE = 8;

    /** Log bytes between checkpoints while the map is small. */
    private final long interval;
    /** The most log between checkpoints: beyond it recent segments stay ineligible for cleaning too long. */
    private final long maxInterval;

    Checkpoints(EngineState state, Checkpointer checkpointer, LogWriter log, WritePath writes, Cleaner cleaner) {
        this.state = state;
        this.checkpointer = checkpointer;
        this.log = log;
        this.writes = writes;
        this.cleaner = cleaner;
        long pool = (long) state.layout.segments() * state.layout.segmentSize();
        this.maxInterval = Math.max(pool / 16, 4L * state.layout.segmentSize());
        this.interval = Math.min(state.config.checkpointIntervalBytes(), maxInterval);
    }

    void checkpoint() throws IOException {
        writes.commit();
        cleaner.commitCold();
        log.sync();
        CheckpointState cp = new CheckpointState();
        cp.checkpointSeq = state.checkpointSeq + 1;
        cp.epoch = state.epoch;
        cp.nextSeq = state.nextSeq;
        cp.nextVolumeId = state.nextVolumeId;
        LogStream[] streams = state.streams;
        for (int i = 0; i < streams.length; i++) {
            cp.streamSegment[i] = streams[i].segment();
            cp.streamPosition[i] = streams[i].position();
            cp.streamNext[i] = streams[i].next();
        }
        for (EngineBlockStore v : state.volumes.values()) {
            if (v.parent == null) {
                addTree(cp, v);
            }
        }
        cp.extents = state.extents;
        checkpointer.write(cp, state.table);
        state.checkpointSeq = cp.checkpointSeq;
        state.checkpointFloor = cp.nextSeq;
        log.resetBytesSinceCheckpoint();
        checkpoints++;
    }

    /** Adds {@code image} and its descendants, parents first: each map is written as a delta against its parent's. */
    private static void addTree(CheckpointState cp, EngineBlockStore image) {
        ArrayDeque<EngineBlockStore> todo = new ArrayDeque<>();
        todo.push(image);
        while (!todo.isEmpty()) {
            EngineBlockStore v = todo.pop();
            VolumeOptions o = v.options();
            cp.volumes.add(new VolumeRecord(v.id(), v.name(), v.blockSize(), v.capacityBytes(), v.volatileWriteCache(),
                    o.compression().tag(), o.dedup(), o.encrypted(), v.family(), v.wrappedKey, v.kind(), v.ownerId,
                    v.parent == null ? 0 : v.parent.id(), v.createdMillis));
            cp.maps.put(v.id(), v.map);
            for (EngineBlockStore c : v.children) {
                todo.push(c);
            }
        }
    }

    boolean checkpointQuietly() {
        try {
            checkpoint();
            return true;
        } catch (IOException e) {
            LOG.warn("Checkpoint failed: {}", e.toString());
            return false;
        }
    }

    /** Checkpoints if enough log was written since the last one; returns whether it did. */
    boolean checkpointIfDue() {
        try {
            if (log.bytesSinceCheckpoint() >= interval()) {
                checkpoint();
                return true;
            }
        } catch (IOException e) {
            LOG.warn("Checkpoint failed: {}", e.toString());
            // Not retried at once: the next attempt waits for another interval of log.
            log.resetBytesSinceCheckpoint();
        }
        return false;
    }

    /** Log bytes before the next checkpoint is due: the interval, stretched for a large map. */
    long interval() {
        return Math.max(interval, Math.min(LOG_PER_CHECKPOINT_BYTE * checkpointer.lastBodyBytes(), maxInterval));
    }

    long count() {
        return checkpoints;
    }
}
