package io.basalt.engine.gc;

/**
 * The reads in flight off the engine thread, as {@link SegmentLimbo} needs to see them: a reader
 * thread may still be reading a segment through addresses resolved before the cleaner emptied it.
 * A read epoch is one counter per reader thread (its tail when taken); every reader finishes in
 * order, so an epoch has passed once each reader's head has reached it. Engine thread only.
 *
 * <p>Durability invariant (of the reads, not the disk): once {@link #passed} is true for an epoch,
 * no read resolved before it touches the device again, so its segments may be rewritten.
 */
public interface ReadEpochs {
    /** How many counters an epoch holds (one per reader thread). */
    int threads();

    /** Whether any read handed to a reader has not finished. */
    boolean busy();

    /** Stores the current read epoch at {@code into[from, from + threads())}. */
    void epoch(long[] into, int from);

    /** Whether every read begun before the epoch stored at {@code epoch[from...]} has finished. */
    boolean passed(long[] epoch, int from);

    /**
     * Hands the reads queued but not yet started to the device, as the engine's turn does at its end:
     * whoever waits for reads to finish calls this first, or it may wait for reads nobody started.
     */
    void startQueued();
}
