package io.basalt.engine.gc;

import io.basalt.engine.log.BatchReader;
import io.basalt.engine.log.LogStream;
import io.basalt.engine.log.LogWriter;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.log.SegmentLayout;
import io.basalt.engine.map.ExtentTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.function.IntSupplier;

import static io.basalt.engine.log.BatchFormat.TYPE_MOVE;
import static io.basalt.engine.log.BatchFormat.TYPE_MOVE_EXTENT;
import static io.basalt.engine.log.BatchFormat.TYPE_WRITE;
import static io.basalt.engine.log.BatchFormat.TYPE_WRITE_EXTENT;

/**
 * The cleaner: picks a victim by capped cost-benefit ({@link VictimPolicy}: age counts up to the
 * time it takes to write half the live data), copies its still-mapped entries into the stream one grade
 * colder than the batch they come from ({@link LogStream#colderThan}: survivors of host writes into
 * the cold stream, survivors of the cleaner's own copies into the colder one) as MOVE records one
 * victim batch per step (a dedup extent's payload, if the extent table still places it there, as one
 * MOVE_EXTENT however many maps share it), and retires the victim once the copies are synced
 * ({@link SegmentLimbo}: free once reads begun before are done). It runs between foreground batches
 * while free segments are short, and inline when the hot stream
 * needs a segment and only the reserve is left.
 *
 * <p>It pauses while a background checkpoint is written: a move changes a chunk in place for every
 * image sharing it, and the checkpoint's frozen copies share it too. Background steps then wait for a
 * later turn; a hot-stream allocation that finds no free segment waits for the checkpoint to end.
 *
 * <p>Durability invariant: a victim is freed only after every copy of its live data is synced, and
 * only segments whose batches all precede the last durable checkpoint are chosen (its floor moves
 * only when a checkpoint is synced, not when one starts), so no segment on the replay path is ever
 * reused.
 */
public final class Cleaner {
    private static final Logger LOG = LoggerFactory.getLogger(Cleaner.class);

    private final SegmentTable table;
    private final int segmentSize;
    private final BatchReader reader;
    private final LogStream[] gc;
    private final Runnable[] commits = new Runnable[LogStream.STREAMS];
    private final LogWriter log;
    private final SegmentLimbo limbo;
    private final ExtentTable extents;
    private final LiveData live;
    private final Checkpointing checkpoints;
    private final IntSupplier nextSegment;
    private final int reserve;
    /** Free segments below which the cleaner runs, and at which it stops: a little above the reserve. */
    private final int lowWater;
    private final int highWater;
    private int victim = -1;
    private int victimPos;
    /** Age of the data in each cleaner stream's batch being built (its victims' data age). */
    private final long[] gcAge = new long[LogStream.STREAMS];
    private boolean cleaning;
    private long gcBytes;
    private long segmentsCleaned;

    /**
     * A cleaner reading victims with {@code reader} and copying into the streams {@code gc} (by id;
     * the hot one unused) through {@code log}; {@code watermarks} says when it runs.
     */
    public Cleaner(SegmentLayout layout, SegmentTable table, BatchReader reader, LogStream[] gc, LogWriter log,
                   SegmentLimbo limbo, ExtentTable extents, LiveData live, Checkpointing checkpoints,
                   Watermarks watermarks) {
        this.table = table;
        this.segmentSize = layout.segmentSize();
        this.reader = reader;
        this.gc = gc;
        for (int k = LogStream.COLD; k < LogStream.STREAMS; k++) {
            int stream = k;
            commits[k] = () -> commitStream(stream);
        }
        this.log = log;
        this.limbo = limbo;
        this.extents = extents;
        this.live = live;
        this.checkpoints = checkpoints;
        this.nextSegment = this::allocateCold;
        this.reserve = watermarks.reserve();
        int segments = layout.segments();
        this.lowWater = reserve + Math.max(2, (int) Math.ceil(watermarks.low() * segments));
        this.highWater = reserve + Math.max(4, (int) Math.ceil(watermarks.high() * segments));
    }

    /**
     * When the cleaner runs: {@code reserve} free segments only it may take; it starts below
     * {@code low} (a fraction of all segments, above the reserve) and stops at {@code high}.
     */
    public record Watermarks(int reserve, double low, double high) {
    }

    /** What the cleaner needs of checkpoints. */
    public interface Checkpointing {
        /** Takes a checkpoint now (after the one in flight); false if it failed. Makes recent segments eligible. */
        boolean checkpointNow();

        /** Whether a background checkpoint is being written: then nothing may be moved. */
        boolean inFlight();

        /** Waits for the background checkpoint in flight, if any, and applies its end. */
        void awaitInFlight();

        /**
         * The log's next sequence when the last durable checkpoint was taken: only segments whose
         * batches all precede it are off the replay path and may be cleaned.
         */
        long durableFloor();
    }

    /**
     * A free segment for the hot stream, leaving the reserve to the cleaner; while none is free it
     * waits for a background checkpoint in flight, cleans, then waits for reads holding back a
     * retired segment, then checkpoints once (making recent segments eligible). -1 when none of that helps.
     */
    public int allocateHot() {
        int s = allocate(reserve);
        if (s < 0) {
            checkpoints.awaitInFlight();
        }
        boolean checkpointed = false;
        while (s < 0) {
            if (victim < 0 && chooseVictim() < 0) {
                if (!limbo.awaitOne()) {
                    if (checkpointed || !checkpoints.checkpointNow()) {
                        return -1;
                    }
                    checkpointed = true;
                }
            } else if (!stepQuietly()) {
                return -1;
            }
            s = allocate(reserve);
        }
        return s;
    }

    /** A free segment if more than {@code keep} are free, counting retired ones whose reads are done. */
    private int allocate(int keep) {
        limbo.reclaim();
        return table.allocate(keep);
    }

    /**
     * A segment for a cleaner stream: it may take the reserve except its last {@link
     * #RECOVERY_SEGMENTS}, and waits briefly for reads if it must. Those stay free for recovery: a
     * stream goes on at its tail after a restart, but one whose tail cannot be resumed (see the
     * pool's {@code Recovery}) opens fresh segments — with its old {@code next} coming back free, one more is enough.
     */
    private int allocateCold() {
        int s = allocate(RECOVERY_SEGMENTS);
        while (s < 0 && limbo.awaitOne()) {
            s = allocate(RECOVERY_SEGMENTS);
        }
        return s;
    }

    /** Free segments nothing takes at run time: what recovery needs for streams it cannot resume. */
    public static final int RECOVERY_SEGMENTS = LogStream.STREAMS;

    /**
     * Between idle turns: cleans while free segments are between the watermarks, unless a checkpoint
     * is being written; returns whether it did.
     */
    public boolean stepInBackground() {
        int free = table.freeCount();
        if (free < lowWater) {
            cleaning = true;
        } else if (free >= highWater) {
            cleaning = false;
        }
        return cleaning && !checkpoints.inFlight() && stepQuietly();
    }

    /** Between busy turns: one step if free segments are below the low watermark and no checkpoint is being written. */
    public void stepIfShort() {
        if (table.freeCount() < lowWater && !checkpoints.inFlight()) {
            stepQuietly();
        }
    }

    private boolean stepQuietly() {
        try {
            return step();
        } catch (IOException e) {
            LOG.warn("Cleaning segment {} failed: {}", victim, e.toString());
            victim = -1;
            return false;
        }
    }

    private int chooseVictim() {
        return VictimPolicy.choose(table, segmentSize, checkpoints.durableFloor(), log.nextSeq(),
                log.sequencesFor(live.liveBytes()));
    }

    /** Copies the live entries of one batch of the victim; frees the victim after its last. */
    public boolean step() throws IOException {
        if (victim < 0) {
            victim = chooseVictim();
            if (victim < 0) {
                return false;
            }
            victimPos = 0;
        }
        if (victimPos < table.end(victim) && reader.read(victim, victimPos, -1, 0, false)) {
            for (int i = 0; i < reader.count(); i++) {
                byte type = reader.type(i);
                boolean extent = type == TYPE_WRITE_EXTENT || type == TYPE_MOVE_EXTENT;
                boolean plain = type == TYPE_WRITE || type == TYPE_MOVE;
                if ((plain && !relocate(i)) || (extent && !relocateExtent(i))) {
                    victim = -1;
                    return false;
                }
            }
            victimPos += reader.totalBytes();
            return true;
        }
        finishVictim();
        return true;
    }

    /** Copies entry {@code i} of the victim if any image of its family still holds it (the writer may be gone). */
    private boolean relocate(int i) {
        long lba = reader.lba(i);
        long old = reader.address(i);
        if (!live.holds(reader.seed(i), lba, old)) {
            return true;
        }
        int len = PhysAddr.length(old);
        int k = LogStream.colderThan(reader.stream());
        LogStream cold = gc[k];
        if (!log.ensureRoom(cold, len, commits[k], nextSegment)) {
            LOG.warn("Cleaner has no segment to copy into; pausing");
            return false;
        }
        int e = cold.append(TYPE_MOVE, reader.volumeId(i), lba, reader.crc(i), old, reader.buffer(),
                reader.payloadIndex(i), len);
        // The payload moves as stored (compressed, encrypted): same flags, same seed, same CRC.
        cold.setFlagsAndSeed(e, reader.flags(i), reader.seed(i));
        gcAge[k] = Math.max(gcAge[k], table.dataSeq(victim));
        return true;
    }

    /** Copies an extent's payload if the extent table still places it here (the maps are not consulted). */
    private boolean relocateExtent(int i) {
        long id = reader.arg(i);
        long old = reader.address(i);
        if (!extents.isLive(id) || extents.address(id) != old) {
            return true;
        }
        int len = PhysAddr.length(old);
        int k = LogStream.colderThan(reader.stream());
        LogStream cold = gc[k];
        if (!log.ensureRoom(cold, len, commits[k], nextSegment)) {
            LOG.warn("Cleaner has no segment to copy into; pausing");
            return false;
        }
        // lba carries the old address: replay moves the extent only if it is still there.
        int e = cold.append(TYPE_MOVE_EXTENT, reader.volumeId(i), old, extents.crc(id), id, reader.buffer(),
                reader.payloadIndex(i), len);
        cold.setFlagsAndSeed(e, reader.flags(i), reader.seed(i));
        gcAge[k] = Math.max(gcAge[k], table.dataSeq(victim));
        return true;
    }

    private void finishVictim() throws IOException {
        int v = victim;
        victim = -1;
        if (!commitCold()) {
            return;
        }
        log.sync();
        if (table.live(v) == 0) {
            limbo.retire(v);
            segmentsCleaned++;
        } else {
            LOG.warn("Segment {} still holds {} live bytes after cleaning (unreadable batch?); leaving it", v,
                    table.live(v));
            table.restore(v, Long.MAX_VALUE, table.dataSeq(v), table.end(v));
        }
    }

    /** Writes every cleaner stream's batch; false if one failed. */
    public boolean commitCold() {
        boolean ok = true;
        for (int k = LogStream.COLD; k < LogStream.STREAMS; k++) {
            ok &= commitStream(k);
        }
        return ok;
    }

    /** Writes the stream's batch and moves each copy into every image of its family that still holds the old address. */
    private boolean commitStream(int k) {
        LogStream cold = gc[k];
        if (cold.isEmpty()) {
            return true;
        }
        long seq;
        try {
            seq = log.write(cold);
        } catch (IOException e) {
            LOG.warn("Writing cleaned data to segment {} failed ({}); abandoning it", cold.segment(), e.toString());
            log.abandon(cold);
            return false;
        }
        for (int i = 0; i < cold.count(); i++) {
            if (cold.type(i) == TYPE_MOVE_EXTENT) {
                long id = cold.arg(i);
                if (extents.isLive(id) && extents.address(id) == cold.lba(i)) {
                    live.extentMoved(id, cold.address(i));
                }
                continue;
            }
            // Every image of the family that holds the old address moves with it (the seed is the family).
            live.moved(cold.seed(i), cold.lba(i), cold.arg(i), cold.address(i), cold.crc(i));
        }
        gcBytes += log.written(cold, seq, gcAge[k]);
        gcAge[k] = 0;
        return true;
    }

    /** Cleans until {@code segments} victims are freed or none is left (tests, benchmarks); returns how many. */
    public int clean(int segments) throws IOException {
        checkpoints.awaitInFlight();
        long before = segmentsCleaned;
        while (segmentsCleaned - before < segments) {
            if (!step() && victim < 0) {
                break;
            }
        }
        return (int) (segmentsCleaned - before);
    }

    /** Bytes the cleaner has written (its share of write amplification). */
    public long gcBytes() {
        return gcBytes;
    }

    public long segmentsCleaned() {
        return segmentsCleaned;
    }
}
