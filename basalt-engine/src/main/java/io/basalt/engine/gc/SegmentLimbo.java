package io.basalt.engine.gc;

import java.util.concurrent.TimeUnit;

/**
 * Where cleaned segments wait before they are free: a reader thread may still be reading a segment
 * through addresses it resolved before the cleaner moved the data out, and reusing the segment under
 * it would return a checksum error or, worse, another block's data. A retired segment is
 * {@link SegmentTable#RETIRED} and records the read epoch at its retirement; it becomes FREE once
 * every read begun before that has finished. With no read in flight it is freed at once. Segments are
 * retired in order and epochs only grow, so the limbo is a FIFO. Engine thread only.
 *
 * <p>Durability invariant: a cleaned segment becomes FREE (and so may be overwritten) only after
 * every read that could still reach it has finished; the cleaner retires it only after the copies
 * of its live data are synced.
 */
public final class SegmentLimbo {
    /** How long an allocation that finds no free segment waits for reads to let a retired one go. */
    private static final long WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final SegmentTable table;
    private final ReadEpochs readers;
    private final int width;
    private final int[] segments;
    /** {@code width} reader tails per entry, parallel to {@link #segments}. */
    private final long[] epochs;
    private long head;
    private long tail;

    public SegmentLimbo(SegmentTable table, ReadEpochs readers) {
        this.table = table;
        this.readers = readers;
        this.width = readers.threads();
        this.segments = new int[table.segments()];
        this.epochs = new long[table.segments() * width];
    }

    /** The cleaner emptied {@code segment}: free now if no read is in flight, else once the reads are done. */
    public void retire(int segment) {
        if (tail == head && !readers.busy()) {
            table.setState(segment, SegmentTable.FREE);
            return;
        }
        table.setState(segment, SegmentTable.RETIRED);
        int i = (int) (tail % segments.length);
        segments[i] = segment;
        readers.epoch(epochs, i * width);
        tail++;
    }

    /** Frees every retired segment whose epoch has passed; returns how many. */
    public int reclaim() {
        int n = 0;
        while (head < tail) {
            int i = (int) (head % segments.length);
            if (!readers.passed(epochs, i * width)) {
                break;
            }
            table.setState(segments[i], SegmentTable.FREE);
            head++;
            n++;
        }
        return n;
    }

    public int size() {
        return (int) (tail - head);
    }

    /**
     * For an allocation that found nothing free: waits (briefly; reads are short) until a retired
     * segment is free. False if none is retired or the reads did not finish in time.
     */
    public boolean awaitOne() {
        if (head == tail) {
            return false;
        }
        // Reads the engine queued this turn would otherwise start only after the wait.
        readers.startQueued();
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (reclaim() == 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        return true;
    }
}
