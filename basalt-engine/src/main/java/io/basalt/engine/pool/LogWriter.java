package io.basalt.engine.pool;

import io.basalt.engine.gc.SegmentTable;
import io.basalt.engine.log.LogStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.IntSupplier;

/**
 * Puts either stream's batches on the devices: seals and writes a batch, records it in the segment
 * table, moves a stream on to its next segment, and syncs every device written since the last sync.
 *
 * <p>Durability invariant: {@link #sync} syncs <em>every</em> dirty device, because recovery follows
 * the chain in order and an unsynced earlier batch on one device would cut off a synced later one.
 */
final class LogWriter {
    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);

    private final EngineState state;
    private final SegmentTable table;
    private final boolean[] dirty;
    private long bytesSinceCheckpoint;
    private long deviceBytes;
    /** Batches written since open: with {@link #deviceBytes}, the log's bytes per sequence. */
    private long batches;

    LogWriter(EngineState state) {
        this.state = state;
        this.table = state.table;
        this.dirty = new boolean[state.layout.devices().size()];
    }

    /** Opens every stream in fresh segments, each with its {@code next} reserved (a new pool). */
    void openStreams() throws IOException {
        for (LogStream s : state.streams) {
            open(s);
        }
    }

    /** Opens stream {@code s} in a fresh segment with a fresh {@code next} reserved. */
    private void open(LogStream s) throws IOException {
        int a = table.allocate(0);
        int b = table.allocate(0);
        if (a < 0 || b < 0) {
            long live = 0;
            StringBuilder perSegment = new StringBuilder();
            for (int seg = 0; seg < table.segments(); seg++) {
                live += table.live(seg);
                perSegment.append(seg == 0 ? "" : " ").append(table.live(seg));
            }
            throw new IOException("no free segment to open the log in: " + table.freeCount() + " of "
                    + table.segments() + " segments free, " + live + " live bytes (per segment: "
                    + perSegment + ")");
        }
        s.moveTo(a, 0, b);
    }

    /**
     * After recovery: each stream goes on at its tail if {@code tailSegment[s] >= 0} (the segments
     * are already OPEN), else in fresh segments.
     */
    void resumeStreams(int[] tailSegment, int[] tailPosition, int[] tailNext) throws IOException {
        LogStream[] streams = state.streams;
        for (int i = 0; i < streams.length; i++) {
            if (tailSegment[i] >= 0) {
                streams[i].moveTo(tailSegment[i], tailPosition[i], tailNext[i]);
            }
        }
        for (int i = 0; i < streams.length; i++) {
            if (tailSegment[i] < 0) {
                open(streams[i]);
            }
        }
    }

    /**
     * Makes room for one more entry of {@code length} payload bytes in the stream's batch: commits the
     * batch if it holds anything, then moves to the stream's next segment (reserving a new next from
     * {@code nextSegment}) if the segment is full.
     */
    boolean ensureRoom(LogStream s, int length, Runnable commit, IntSupplier nextSegment) {
        int size = state.layout.segmentSize();
        if (s.fits(length, size)) {
            return true;
        }
        if (!s.isEmpty()) {
            commit.run();
            if (s.fits(length, size)) {
                return true;
            }
        }
        return continueIn(s, nextSegment.getAsInt()) && s.fits(length, size);
    }

    private boolean continueIn(LogStream s, int newNext) {
        if (newNext < 0) {
            return false;
        }
        table.setState(s.segment(), SegmentTable.FULL);
        s.moveTo(s.next(), 0, newNext);
        return true;
    }

    /** Seals the stream's batch under the next sequence and writes it; returns the sequence. */
    long write(LogStream s) throws IOException {
        long seq = state.nextSeq++;
        ByteBuffer batch = s.seal(state.poolId, seq);
        int segment = s.segment();
        state.layout.device(segment).write(state.layout.position(segment, s.position()), batch);
        dirty[state.layout.deviceIndex(segment)] = true;
        return seq;
    }

    /** The written batch is applied: records it in the segment table (data age {@code age}), returns its bytes. */
    int written(LogStream s, long seq, long age) {
        int bytes = s.sealedBytes();
        table.written(s.segment(), seq, s.position() + bytes);
        table.aged(s.segment(), age);
        s.advance();
        bytesSinceCheckpoint += bytes;
        deviceBytes += bytes;
        batches++;
        return bytes;
    }

    /** After a failed write: the stream's segment ends where its last good batch did; go on in {@code next}. */
    void abandon(LogStream s) {
        s.reset();
        int newNext = table.allocate(0);
        if (newNext < 0) {
            LOG.error("No free segment to continue the log after a write failure");
            return;
        }
        table.setState(s.segment(), SegmentTable.FULL);
        s.moveTo(s.next(), 0, newNext);
    }

    void sync() throws IOException {
        for (int d = 0; d < dirty.length; d++) {
            if (dirty[d]) {
                state.layout.devices().get(d).sync();
                dirty[d] = false;
            }
        }
    }

    boolean syncQuietly() {
        try {
            sync();
            return true;
        } catch (IOException e) {
            LOG.error("fdatasync failed ({}): failing the writes that waited for it", e.toString());
            return false;
        }
    }

    long bytesSinceCheckpoint() {
        return bytesSinceCheckpoint;
    }

    /** A checkpoint was taken (or failed and is not retried at once): replay starts counting anew. */
    void resetBytesSinceCheckpoint() {
        bytesSinceCheckpoint = 0;
    }

    /** Sequences (batches) that writing {@code bytes} of log takes at the average batch size since open; 1 before any. */
    long sequencesFor(long bytes) {
        return batches == 0 || deviceBytes == 0 ? 1 : Math.max(1, (long) ((double) bytes * batches / deviceBytes));
    }

    long deviceBytes() {
        return deviceBytes;
    }
}
