package io.basalt.engine.checkpoint;

import io.basalt.engine.gc.SegmentTable;
import io.basalt.engine.log.LogWriter;
import io.basalt.engine.log.SegmentLayout;
import io.basalt.engine.map.VolumeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Takes checkpoints: commits the streams' open batches, syncs, and writes volumes, segment table,
 * maps and stream positions into the older slot. Taken every interval of log (the pool's
 * {@code checkpointIntervalBytes}) (bounding replay) or a sixteenth of the pool, whichever is less — stretched to {@link
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
 * What a checkpoint holds comes from the pool ({@link Capture}); this class decides when one is taken
 * and where it is written.
 *
 * <p>Durability invariant: when {@link #checkpoint} returns, or {@link #poll} applies a background
 * one, everything its state names is on the devices, so the log before the recorded positions is
 * never replayed again; only then do {@code checkpointSeq} and {@code checkpointFloor} (the cleaner's
 * limit) advance. A background checkpoint that fails changes neither: the older slot stands.
 */
public final class Checkpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    private final Checkpointer checkpointer;
    private final LogWriter log;
    private final SegmentTable table;
    private final Capture source;
    private final BackgroundCheckpoint background;
    private long checkpoints;
    /**
     * Log bytes per checkpoint byte, at least: a checkpoint writes the whole map (20 bytes per mapped
     * block), so with a fixed interval a large map would cost more device writes than the data itself
     * (50 M blocks: 1 GB per 256 MiB of log). With 8, checkpoints add at most 1/8 to the device
     * writes; the price is a longer replay after a crash (at most 8 checkpoints' worth of log).
     */
    public static final int LOG_PER_CHECKPOINT_BYTE = 8;

    /** Log bytes between checkpoints while the map is small. */
    private final long interval;
    /** The most log between checkpoints: beyond it recent segments stay ineligible for cleaning too long. */
    private final long maxInterval;
    /** How long the engine thread paused to start the last background checkpoint (benchmarks). */
    private long lastPauseNanos;

    /**
     * Checkpoints of what {@code source} captures, written by {@code checkpointer} with the segment
     * table {@code table}, every {@code intervalBytes} of {@code log} at most (see above). The
     * background thread is named after {@code name} and wakes the engine with {@code wakeEngine}.
     */
    public Checkpoints(Checkpointer checkpointer, LogWriter log, SegmentTable table, Capture source,
                       SegmentLayout layout, long intervalBytes, String name, Runnable wakeEngine) {
        this.checkpointer = checkpointer;
        this.log = log;
        this.table = table;
        this.source = source;
        this.background = new BackgroundCheckpoint(checkpointer, name, wakeEngine);
        long pool = (long) layout.segments() * layout.segmentSize();
        this.maxInterval = Math.max(pool / 16, 4L * layout.segmentSize());
        this.interval = Math.min(intervalBytes, maxInterval);
    }

    /** What a checkpoint holds, from the pool that owns it. Engine thread only. */
    public interface Capture {
        /**
         * Commits and syncs the streams' open batches, then returns the state to write: counters,
         * stream positions, images parents first. {@code frozen}: maps and extents as copies nothing
         * changes until the write ends; else the live ones.
         */
        CheckpointState capture(boolean frozen) throws IOException;

        /** {@code cp} is durable: the log before it is never replayed again; the cleaner's floor may rise. */
        void durable(CheckpointState cp);
    }

    /** Takes a checkpoint on the engine thread, after the one in flight (if any) has ended. */
    public void checkpoint() throws IOException {
        awaitInFlight();
        CheckpointState cp = source.capture(false);
        checkpointer.write(cp, table);
        completed(cp);
        log.resetBytesSinceCheckpoint();
    }

    /**
     * Starts a background checkpoint unless one is in flight; returns whether it did. The engine
     * thread pauses for the commit and sync of the open batches and O(chunks + segments + extents)
     * of copying.
     */
    public boolean startInBackground() {
        if (background.inFlight()) {
            return false;
        }
        long start = System.nanoTime();
        CheckpointState cp;
        try {
            cp = source.capture(true);
        } catch (IOException e) {
            LOG.warn("Checkpoint failed: {}", e.toString());
            // Not retried at once: the next attempt waits for another interval of log.
            log.resetBytesSinceCheckpoint();
            return false;
        }
        background.start(cp, table.copy());
        log.resetBytesSinceCheckpoint();
        lastPauseNanos = System.nanoTime() - start;
        return true;
    }

    /** The checkpoint is durable: the log before it is never replayed again. */
    private void completed(CheckpointState cp) {
        source.durable(cp);
        checkpoints++;
    }

    /** {@link #checkpoint}, logging a failure; false if it failed. */
    public boolean checkpointQuietly() {
        try {
            checkpoint();
            return true;
        } catch (IOException e) {
            LOG.warn("Checkpoint failed: {}", e.toString());
            return false;
        }
    }

    /** Starts a background checkpoint if enough log was written since the last one; returns whether it did. */
    public boolean checkpointIfDue() {
        return log.bytesSinceCheckpoint() >= interval() && startInBackground();
    }

    /** Whether a background checkpoint is being written: nothing may move a block in place meanwhile. */
    public boolean inFlight() {
        return background.inFlight();
    }

    /** Engine thread, each turn: applies the background checkpoint if it has ended. */
    public void poll() {
        if (background.finished()) {
            finish();
        }
    }

    /** Waits for the background checkpoint in flight, if any, and applies its end. */
    public void awaitInFlight() {
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
    public void abandonInFlight() {
        background.await();
    }

    /** Log bytes before the next checkpoint is due: the interval, stretched for a large map. */
    public long interval() {
        return Math.max(interval, Math.min(LOG_PER_CHECKPOINT_BYTE * checkpointer.lastBodyBytes(), maxInterval));
    }

    /** Checkpoints taken since open. */
    public long count() {
        return checkpoints;
    }

    /** How long the engine thread paused to start the last background checkpoint. */
    public long lastPauseNanos() {
        return lastPauseNanos;
    }
}
