package io.basalt.engine.pool;

/**
 * Where the engine thread hands resolved reads: a ring of {@link ReadRequest} slots with one producer
 * (the engine thread, which {@link #claim claims} the slot at the tail, resolves it and
 * {@link #publish publishes} it) and one consumer that does the device reads and completes them. The
 * consumer frees slots in order, so "every read begun before tail {@code t} has finished" is
 * {@code head() >= t}: {@link Readers} builds the read epochs on that.
 */
interface ReadQueue {
    /** Slots in the ring: the most reads {@link #backlog} can reach. */
    int capacity();

    /** Reads queued or being read. Any thread. */
    int backlog();

    long tail();

    long head();

    /** The slot the engine may fill next, or null if the ring is full. Engine thread. */
    ReadRequest claim();

    /**
     * Hands the claimed slot, now resolved, to the consumer; false if it cannot take it now (the slot
     * stays free and the engine serves the read itself). Engine thread.
     */
    boolean publish();

    /**
     * Starts what {@link #publish} queued and has not started yet: a queue that batches its hand-offs
     * (one system call for many reads) needs this once per engine turn. Engine thread.
     */
    default void flush() {
    }

    void start();

    /** Finishes what is queued, then ends the consumer and waits for it. */
    void stop();

    long checksumErrors();

    /** Reads whose device data landed straight in the host's buffer, with no copy ({@link RunReader#inPlaceAddress}). */
    default long readsInPlace() {
        return 0;
    }

    /**
     * What handing one device read to the kernel costs here, ns (a moving average), or 0 where the
     * queue does not submit (reader threads) or has not yet measured it. Any thread.
     */
    default long submitNanos() {
        return 0;
    }
}
