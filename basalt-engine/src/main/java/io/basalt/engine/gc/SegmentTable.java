package io.basalt.engine.gc;

import io.basalt.engine.log.SegmentAllocator;

/**
 * What the engine knows about each segment: its state, live payload bytes, the last batch
 * sequence written into it (its age) and its written end. Owned by the engine thread.
 *
 * <p>Durability invariant: a FREE segment holds nothing the map or the replay path needs — it is
 * set free only after its live data was copied and synced and all its batches predate the last
 * durable checkpoint. Ages and ends are checkpointed; live bytes are recomputed from the map.
 */
public final class SegmentTable implements SegmentAllocator {
    public static final byte FREE = 0;
    /** A stream writes it, or has it reserved as its {@code next}. */
    public static final byte OPEN = 1;
    public static final byte FULL = 2;
    /** Cleaned, waiting for reads that resolved addresses in it before it may be reused. */
    public static final byte RETIRED = 3;

    private final byte[] state;
    private final int[] live;
    private final long[] lastSeq;
    private final long[] dataSeq;
    private final int[] end;
    private final int devices;
    private int free;
    private int cursor;

    private SegmentTable(SegmentTable from) {
        this.state = from.state.clone();
        this.live = from.live.clone();
        this.lastSeq = from.lastSeq.clone();
        this.dataSeq = from.dataSeq.clone();
        this.end = from.end.clone();
        this.devices = from.devices;
        this.free = from.free;
        this.cursor = from.cursor;
    }

    /**
     * A copy for a checkpoint written by another thread (O(segments): 25 bytes each, a copy of
     * the arrays); the copy is not changed by the engine's later work.
     */
    public SegmentTable copy() {
        return new SegmentTable(this);
    }

    public SegmentTable(int segments, int devices) {
        this.state = new byte[segments];
        this.live = new int[segments];
        this.lastSeq = new long[segments];
        this.dataSeq = new long[segments];
        this.end = new int[segments];
        this.devices = devices;
        this.free = segments;
    }

    @Override
    public int segments() {
        return state.length;
    }

    @Override
    public int freeCount() {
        return free;
    }

    public byte state(int s) {
        return state[s];
    }

    @Override
    public int live(int s) {
        return live[s];
    }

    public long lastSeq(int s) {
        return lastSeq[s];
    }

    /**
     * The age of the segment's data: the newest original write sequence of anything in it. Host
     * writes stamp their own sequence; the cleaner's copies keep their victim's, so cold data
     * stays old wherever it moves (LFS's "most recent modified time").
     */
    public long dataSeq(int s) {
        return dataSeq[s];
    }

    @Override
    public void aged(int s, long seq) {
        dataSeq[s] = Math.max(dataSeq[s], seq);
    }

    public int end(int s) {
        return end[s];
    }

    public void addLive(int s, int bytes) {
        live[s] += bytes;
    }

    /** Records that a batch with {@code seq} was written into {@code s}, ending at {@code endOffset}. */
    @Override
    public void written(int s, long seq, int endOffset) {
        lastSeq[s] = seq;
        end[s] = Math.max(end[s], endOffset);
    }

    /** Restores a segment's sequences and end from a checkpoint. */
    public void restore(int s, long seq, long data, int endOffset) {
        lastSeq[s] = seq;
        dataSeq[s] = data;
        end[s] = endOffset;
    }

    @Override
    public void markFull(int s) {
        setState(s, FULL);
    }

    public void setState(int s, byte newState) {
        if (state[s] == FREE && newState != FREE) {
            free--;
        } else if (state[s] != FREE && newState == FREE) {
            free++;
            live[s] = 0;
            end[s] = 0;
            dataSeq[s] = 0;
        }
        state[s] = newState;
    }

    /**
     * Takes a free segment (now OPEN), rotating over devices so consecutive segments of a stream land
     * on different ones; -1 if {@link #freeCount()} is at most {@code keep}.
     */
    @Override
    public int allocate(int keep) {
        if (free <= keep) {
            return -1;
        }
        int n = state.length;
        for (int i = 0; i < n; i++) {
            int s = (cursor + i) % n;
            if (state[s] == FREE) {
                cursor = (s + 1) % n;
                if (devices > 1 && cursor % devices == s % devices) {
                    cursor = (cursor + 1) % n;
                }
                setState(s, OPEN);
                return s;
            }
        }
        return -1;
    }
}
