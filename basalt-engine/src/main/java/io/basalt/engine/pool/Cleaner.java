package io.basalt.engine.pool;

import io.basalt.engine.gc.SegmentTable;
import io.basalt.engine.gc.VictimPolicy;
import io.basalt.engine.log.BatchReader;
import io.basalt.engine.log.LogStream;
import io.basalt.engine.log.PhysAddr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import static io.basalt.engine.log.BatchFormat.TYPE_MOVE;
import static io.basalt.engine.log.BatchFormat.TYPE_MOVE_EXTENT;
import static io.basalt.engine.log.BatchFormat.TYPE_WRITE;
import static io.basalt.engine.log.BatchFormat.TYPE_WRITE_EXTENT;

/**
 * The cleaner: picks a victim by cost-benefit, copies its still-mapped entries into the cold stream
 * as MOVE records one victim batch per step (a dedup extent's payload, if the extent table still
 * places it there, as one MOVE_EXTENT however many maps share it), and frees the victim once the
 * copies are synced. It runs between foreground batches while free segments are short, and inline when the hot stream
 * needs a segment and only the reserve is left.
 *
 * <p>Durability invariant: a victim is freed only after every copy of its live data is synced, and
 * only segments whose batches all precede the last durable checkpoint are chosen, so no segment on
 * the replay path is ever reused.
 */
final class Cleaner {
    private static final Logger LOG = LoggerFactory.getLogger(Cleaner.class);

    private final EngineState state;
    private final SegmentTable table;
    private final BatchReader reader;
    private final LogStream cold;
    private final SpaceAccounting space;
    private final LogWriter log;
    private final ImageTree tree;
    /** Takes a checkpoint, false if it failed: makes recently written segments eligible. */
    private final BooleanSupplier checkpoint;
    private final Runnable commit = this::commit;
    private final IntSupplier nextSegment;
    private final int reserve;
    /** Free segments below which the cleaner runs, and at which it stops: a little above the reserve. */
    private final int lowWater;
    private final int highWater;
    private int victim = -1;
    private int victimPos;
    /** Age of the data in the cold batch being built (its victims' data age). */
    private long coldAge;
    private boolean cleaning;
    private long gcBytes;
    private long segmentsCleaned;

    Cleaner(EngineState state, SpaceAccounting space, LogWriter log, ImageTree tree, BooleanSupplier checkpoint) {
        this.state = state;
        this.tree = tree;
        this.table = state.table;
        this.reader = state.reader;
        this.cold = state.cold;
        this.space = space;
        this.log = log;
        this.checkpoint = checkpoint;
        this.nextSegment = () -> table.allocate(0);
        this.reserve = space.reserve();
        int segments = state.layout.segments();
        this.lowWater = reserve + Math.max(2, (int) Math.ceil(state.config.gcLowWater() * segments));
        this.highWater = reserve + Math.max(4, (int) Math.ceil(state.config.gcHighWater() * segments));
    }

    /**
     * A free segment for the hot stream, leaving the reserve to the cleaner; cleans (and checkpoints
     * once, to make recent segments eligible) while none is free. -1 when cleaning cannot help.
     */
    int allocateHot() {
        int s = table.allocate(reserve);
        boolean checkpointed = false;
        while (s < 0) {
            if (victim < 0 && chooseVictim() < 0) {
                if (checkpointed || !checkpoint.getAsBoolean()) {
                    return -1;
                }
                checkpointed = true;
                continue;
            }
            if (!stepQuietly()) {
                return -1;
            }
            s = table.allocate(reserve);
        }
        return s;
    }

    /** Between idle turns: cleans while free segments are between the watermarks; returns whether it did. */
    boolean stepInBackground() {
        int free = table.freeCount();
        if (free < lowWater) {
            cleaning = true;
        } else if (free >= highWater) {
            cleaning = false;
        }
        return cleaning && stepQuietly();
    }

    /** Between busy turns: one step if free segments are below the low watermark. */
    void stepIfShort() {
        if (table.freeCount() < lowWater) {
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
        return VictimPolicy.choose(table, state.layout.segmentSize(), state.checkpointFloor, state.nextSeq);
    }

    /** Copies the live entries of one batch of the victim; frees the victim after its last. */
    boolean step() throws IOException {
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
        Family family = state.families.get(reader.seed(i));
        long lba = reader.lba(i);
        long old = reader.address(i);
        if (family == null || !ImageTree.anyHolds(family, lba, old)) {
            return true;
        }
        int len = PhysAddr.length(old);
        if (!log.ensureRoom(cold, len, commit, nextSegment)) {
            LOG.warn("Cleaner has no segment to copy into; pausing");
            return false;
        }
        int e = cold.append(TYPE_MOVE, reader.volumeId(i), lba, reader.crc(i), old, reader.buffer(),
                reader.payloadIndex(i), len);
        // The payload moves as stored (compressed, encrypted): same flags, same seed, same CRC.
        cold.setFlagsAndSeed(e, reader.flags(i), reader.seed(i));
        coldAge = Math.max(coldAge, table.dataSeq(victim));
        return true;
    }

    /** Copies an extent's payload if the extent table still places it here (the maps are not consulted). */
    private boolean relocateExtent(int i) {
        long id = reader.arg(i);
        long old = reader.address(i);
        if (!state.extents.isLive(id) || state.extents.address(id) != old) {
            return true;
        }
        int len = PhysAddr.length(old);
        if (!log.ensureRoom(cold, len, commit, nextSegment)) {
            LOG.warn("Cleaner has no segment to copy into; pausing");
            return false;
        }
        // lba carries the old address: replay moves the extent only if it is still there.
        int e = cold.append(TYPE_MOVE_EXTENT, reader.volumeId(i), old, state.extents.crc(id), id, reader.buffer(),
                reader.payloadIndex(i), len);
        cold.setFlagsAndSeed(e, reader.flags(i), reader.seed(i));
        coldAge = Math.max(coldAge, table.dataSeq(victim));
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
            table.setState(v, SegmentTable.FREE);
            segmentsCleaned++;
        } else {
            LOG.warn("Segment {} still holds {} live bytes after cleaning (unreadable batch?); leaving it", v,
                    table.live(v));
            table.restore(v, Long.MAX_VALUE, table.dataSeq(v), table.end(v));
        }
    }

    private void commit() {
        commitCold();
    }

    /** Writes the cold batch and moves each copy into every image of its family that still holds the old address. */
    boolean commitCold() {
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
                if (state.extents.isLive(id) && state.extents.address(id) == cold.lba(i)) {
                    space.extentMoved(id, cold.address(i));
                }
                continue;
            }
            // Every image of the family that holds the old address moves with it (the seed is the family).
            Family family = state.families.get(cold.seed(i));
            long address = cold.address(i);
            if (family != null && tree.move(family, cold.lba(i), cold.arg(i), address, cold.crc(i))) {
                space.moved(cold.arg(i), address);
            }
        }
        gcBytes += log.written(cold, seq, coldAge);
        coldAge = 0;
        return true;
    }

    /** Cleans until {@code segments} victims are freed or none is left (tests, benchmarks); returns how many. */
    int clean(int segments) throws IOException {
        long before = segmentsCleaned;
        while (segmentsCleaned - before < segments) {
            if (!step() && victim < 0) {
                break;
            }
        }
        return (int) (segmentsCleaned - before);
    }

    long gcBytes() {
        return gcBytes;
    }

    long segmentsCleaned() {
        return segmentsCleaned;
    }
}
