package io.basalt.engine.pool;

import io.basalt.engine.checkpoint.CheckpointState;
import io.basalt.engine.checkpoint.Checkpointer;
import io.basalt.engine.checkpoint.VolumeRecord;
import io.basalt.engine.gc.Cleaner;
import io.basalt.engine.log.LogStream;
import io.basalt.engine.log.LogWriter;
import io.basalt.engine.map.VolumeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * Takes checkpoints: commits the streams' open batches, syncs, and writes volumes, segment table,
 * maps and stream positions into the older slot. Taken every {@link PoolConfig#checkpointIntervalBytes()}
 * of log (bounding replay) or a sixteenth of the pool, whichever is less — stretched to {@link
 * #LOG_PER_CHECKPOINT_BYTE} times the last checkpoint's size (still at most a sixteenth of the pool)
 * when the map is large (the cleaner may only take segments older than the last checkpoint: with a
 * checkpoint per pool's worth of log it would choose among the oldest segments, not the emptiest),
 * when the cleaner has no eligible victim, on volume changes and on close.
 *
 * <p>The periodic one runs in the background ({@link #checkpointIfDue}): the engine thread only
 * freezes the state — copy-on-write copies of the maps ({@link VolumeMap#freeze}, O(chunks)), copies
 * of the segment and extent tables — and a {@link BackgroundCheckpoint} thread serialises and writes
 * it while foreground I/O goes on. While one is in flight the cleaner pauses (it moves blocks in
 * place, frozen chunks included); the others ({@link #checkpoint}) first wait for it, then run on the
 * engine thread from the live state. Only one is in flight; the engine applies its end ({@link #poll}).
 *
 * <p>Durability invariant: when {@link #checkpoint} returns, or {@link #poll} applies a background
 * one, everything its state names is on the devices, so the log before the recorded positions is
 * never replayed again; only then do {@code checkpointSeq} and {@code checkpointFloor} (the cleaner's
 * limit) advance. A background checkpoint that fails changes neither: the older slot stands.
 */
final class Checkpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    private final EngineState state;
    private final Checkpointer checkpointer;
    private final LogWriter log;
    private final WritePath writes;
    private final Cleaner cleaner;
    private final BackgroundCheckpoint background;
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
    /** How long the engine thread paused to start the last background checkpoint (benchmarks). */
    private long lastPauseNanos;

    Checkpoints(EngineState state, Checkpointer checkpointer, LogWriter log, WritePath writes, Cleaner cleaner,
            Runnable wakeEngine) {
        this.state = state;
        this.checkpointer = checkpointer;
        this.log = log;
        this.writes = writes;
        this.cleaner = cleaner;
        this.background = new BackgroundCheckpoint(checkpointer, Long.toHexString(state.poolId & 0xFFFF), wakeEngine);
        long pool = (long) state.layout.segments() * state.layout.segmentSize();
        this.maxInterval = Math.max(pool / 16, 4L * state.layout.segmentSize());
        this.interval = Math.min(state.config.checkpointIntervalBytes(), maxInterval);
    }

    /** Takes a checkpoint on the engine thread, after the one in flight (if any) has ended. */
    void checkpoint() throws IOException {
        awaitInFlight();
        CheckpointState cp = capture(false);
        checkpointer.write(cp, state.table);
        completed(cp);
        log.resetBytesSinceCheckpoint();
    }

    /**
     * Starts a background checkpoint unless one is in flight; returns whether it did. The engine
     * thread pauses for the commit and sync of the open batches and O(chunks + segments + extents)
     * of copying.
     */
    boolean startInBackground() {
        if (background.inFlight()) {
            return false;
        }
        long start = System.nanoTime();
        CheckpointState cp;
        try {
            cp = capture(true);
        } catch (IOException e) {
            LOG.warn("Checkpoint failed: {}", e.toString());
            // Not retried at once: the next attempt waits for another interval of log.
            log.resetBytesSinceCheckpoint();
            return false;
        }
        background.start(cp, state.table.copy());
        log.resetBytesSinceCheckpoint();
        lastPauseNanos = System.nanoTime() - start;
        return true;
    }

    /**
     * The state to write: open batches committed and synced, counters and stream positions, images
     * parents first. {@code frozen}: maps, segment table and extents as copies nothing changes
     * until the write ends (the caller copies the segment table); else the live ones.
     */
    private CheckpointState capture(boolean frozen) throws IOException {
        writes.commit();
        cleaner.commitCold();
        log.sync();
        CheckpointState cp = new CheckpointState();
        cp.checkpointSeq = state.checkpointSeq + 1;
        cp.epoch = state.epoch;
        cp.nextSeq = log.nextSeq();
        cp.nextVolumeId = state.nextVolumeId;
        LogStream[] streams = state.streams;
        for (int i = 0; i < streams.length; i++) {
            cp.streamSegment[i] = streams[i].segment();
            cp.streamPosition[i] = streams[i].position();
            cp.streamNext[i] = streams[i].next();
        }
        for (EngineBlockStore v : state.volumes.values()) {
            if (v.parent == null) {
                addTree(cp, v, frozen);
            }
        }
        cp.extents = frozen ? state.extents.copy() : state.extents;
        return cp;
    }

    /** The checkpoint is durable: the log before it is never replayed again. */
    private void completed(CheckpointState cp) {
        state.checkpointSeq = cp.checkpointSeq;
        state.checkpointFloor = cp.nextSeq;
        checkpoints++;
    }

    /** Adds {@code image} and its descendants, parents first: each map is written as a delta against its parent's. */
    private static void addTree(CheckpointState cp, EngineBlockStore image, boolean frozen) {
        ArrayDeque<EngineBlockStore> todo = new ArrayDeque<>();
        todo.push(image);
        while (!todo.isEmpty()) {
            EngineBlockStore v = todo.pop();
            VolumeOptions o = v.options();
            cp.volumes.add(new VolumeRecord(v.id(), v.name(), v.blockSize(), v.capacityBytes(), v.volatileWriteCache(),
                    o.compression().tag(), o.dedup(), o.encrypted(), v.family(), v.wrappedKey, v.kind(), v.ownerId,
                    v.parent == null ? 0 : v.parent.id(), v.createdMillis));
            cp.maps.put(v.id(), frozen ? v.map.freeze() : v.map);
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

    /** Starts a background checkpoint if enough log was written since the last one; returns whether it did. */
    boolean checkpointIfDue() {
        return log.bytesSinceCheckpoint() >= interval() && startInBackground();
    }

    /** Whether a background checkpoint is being written: nothing may move a block in place meanwhile. */
    boolean inFlight() {
        return background.inFlight();
    }

    /** Engine thread, each turn: applies the background checkpoint if it has ended. */
    void poll() {
        if (background.finished()) {
            finish();
        }
    }

    /** Waits for the background checkpoint in flight, if any, and applies its end. */
    void awaitInFlight() {
        if (background.inFlight()) {
            finish();
        }
    }

    /** Applies the end of the background checkpoint; its frozen maps go, so writes stop copying chunks. */
    private void finish() {
        CheckpointState cp = background.take();
        IOException failure = background.failure();
        if (failure == null) {
            completed(cp);
        } else {
            // The previous checkpoint stands (the floor with it); the next attempt comes after another interval.
            LOG.warn("Background checkpoint failed: {}", failure.toString());
        }
        for (VolumeMap m : cp.maps.values()) {
            m.dropAll();
        }
    }

    /** After the engine thread stopped dead (a crash, in tests): lets a write in flight end, applying nothing. */
    void abandonInFlight() {
        background.await();
    }

    /** Log bytes before the next checkpoint is due: the interval, stretched for a large map. */
    long interval() {
        return Math.max(interval, Math.min(LOG_PER_CHECKPOINT_BYTE * checkpointer.lastBodyBytes(), maxInterval));
    }

    long count() {
        return checkpoints;
    }

    long lastPauseNanos() {
        return lastPauseNanos;
    }
}
