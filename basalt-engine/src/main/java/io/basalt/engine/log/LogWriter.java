package io.basalt.engine.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.IntSupplier;

/**
 * Puts every stream's batches on the devices: seals and writes a batch under the log's next
 * sequence, records it in the segment table, moves a stream on to its next segment, and syncs every
 * device written since the last sync. Engine thread only.
 *
 * <p>Durability invariant: {@link #sync} syncs <em>every</em> dirty device, because recovery follows
 * the chain in order and an unsynced earlier batch on one device would cut off a synced later one.
 * Sequences only grow: each batch gets the next one, and a reopened pool starts above every
 * sequence its log holds ({@link #startAt}).
 */
public final class LogWriter {
    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);

    private final SegmentLayout layout;
    private final SegmentAllocator table;
    private final LogStream[] streams;
    private final long poolId;
    private final boolean[] dirty;
    /** The sequence the next batch is sealed under. */
    private long nextSeq;
    private long bytesSinceCheckpoint;
    private long deviceBytes;
    /** Batches written since open: with {@link #deviceBytes}, the log's bytes per sequence. */
    private long batches;

    /** Writes {@code streams} (by id) into {@code layout}'s segments, taken from {@code table}. */
    public LogWriter(SegmentLayout layout, SegmentAllocator table, LogStream[] streams, long poolId) {
        this.layout = layout;
        this.table = table;
        this.streams = streams;
        this.poolId = poolId;
        this.dirty = new boolean[layout.devices().size()];
    }

    /** The sequence the next batch gets: every batch written so far has a lower one. */
    public long nextSeq() {
        return nextSeq;
    }

    /** Before the first write: the next batch gets {@code seq} (a new pool's or a reopened one's epoch). */
    public void startAt(long seq) {
        nextSeq = seq;
    }

    /** Opens every stream in fresh segments, each with its {@code next} reserved (a new pool). */
    public void openStreams() throws IOException {
        for (LogStream s : streams) {
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
    public void resumeStreams(int[] tailSegment, int[] tailPosition, int[] tailNext) throws IOException {
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
    public boolean ensureRoom(LogStream s, int length, Runnable commit, IntSupplier nextSegment) {
        int size = layout.segmentSize();
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
        table.markFull(s.segment());
        s.moveTo(s.next(), 0, newNext);
        return true;
    }

    /** Seals the stream's batch under the next sequence and writes it; returns the sequence. */
    public long write(LogStream s) throws IOException {
        long seq = nextSeq++;
        ByteBuffer batch = s.seal(poolId, seq);
        int segment = s.segment();
        layout.device(segment).write(layout.position(segment, s.position()), batch);
        dirty[layout.deviceIndex(segment)] = true;
        return seq;
    }

    /** The written batch is applied: records it in the segment table (data age {@code age}), returns its bytes. */
    public int written(LogStream s, long seq, long age) {
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
    public void abandon(LogStream s) {
        s.reset();
        int newNext = table.allocate(0);
        if (newNext < 0) {
            LOG.error("No free segment to continue the log after a write failure");
            return;
        }
        table.markFull(s.segment());
        s.moveTo(s.next(), 0, newNext);
    }

    /** Syncs every device written since the last sync (see the durability invariant). */
    public void sync() throws IOException {
        for (int d = 0; d < dirty.length; d++) {
            if (dirty[d]) {
                layout.devices().get(d).sync();
                dirty[d] = false;
            }
        }
    }

    /** {@link #sync}, logging a failure; false if it failed (the writes waiting for it fail). */
    public boolean syncQuietly() {
        try {
            sync();
            return true;
        } catch (IOException e) {
            LOG.error("fdatasync failed ({}): failing the writes that waited for it", e.toString());
            return false;
        }
    }

    /** Log bytes written since the last checkpoint (what a replay would read). */
    public long bytesSinceCheckpoint() {
        return bytesSinceCheckpoint;
    }

    /** A checkpoint was taken (or failed and is not retried at once): replay starts counting anew. */
    public void resetBytesSinceCheckpoint() {
        bytesSinceCheckpoint = 0;
    }

    /** Sequences (batches) that writing {@code bytes} of log takes at the average batch size since open; 1 before any. */
    public long sequencesFor(long bytes) {
        return batches == 0 || deviceBytes == 0 ? 1 : Math.max(1, (long) ((double) bytes * batches / deviceBytes));
    }

    /** Log bytes written since open. */
    public long deviceBytes() {
        return deviceBytes;
    }
}
