package io.basalt.engine.log;

/**
 * What the {@link LogWriter} needs of the segment table (which lives with the cleaner, in
 * {@code gc}): segments for a stream to continue in, and a record of every batch written, which
 * the cleaner reads to pick victims and the checkpoint saves. Engine thread only.
 *
 * <p>Durability invariant: a segment handed out by {@link #allocate} holds nothing the map or the
 * replay path still needs, so a stream may overwrite it from its start.
 */
public interface SegmentAllocator {
    /** Takes a free segment (now open), or -1 if at most {@code keep} are free. */
    int allocate(int keep);

    /** A stream has moved on from segment {@code s}: nothing more is appended to it. */
    void markFull(int s);

    /** Records that a batch with {@code seq} was written into {@code s}, ending at {@code endOffset}. */
    void written(int s, long seq, int endOffset);

    /** Records that the data written into {@code s} is as old as sequence {@code seq}, if older than what it holds. */
    void aged(int s, long seq);

    /** How many segments the pool has (for messages). */
    int segments();

    /** How many are free (for messages). */
    int freeCount();

    /** Live payload bytes in {@code s} (for messages). */
    int live(int s);
}
