package io.basalt.engine.pool;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The ring of preallocated {@link ReadRequest} slots a {@link ReadQueue} is built on: the engine thread
 * fills the slot at {@link #tail} and publishes it; the consumer frees slots in order by publishing
 * {@link #head}. The slots are the requests, so nothing is allocated and no lock is taken per read.
 */
abstract class SlotRing implements ReadQueue {
    private final ReadRequest[] slots;
    private final int mask;
    /** Next slot the engine fills; written by the engine thread only. */
    final AtomicLong tail = new AtomicLong();
    /** Next slot to be freed; written by the consumer only. */
    final AtomicLong head = new AtomicLong();

    /** A ring of {@code size} slots, a power of two. */
    SlotRing(int size) {
        this.slots = new ReadRequest[size];
        this.mask = size - 1;
        for (int i = 0; i < size; i++) {
            slots[i] = new ReadRequest();
        }
    }

    final ReadRequest slot(long sequence) {
        return slots[index(sequence)];
    }

    final int index(long sequence) {
        return (int) (sequence & mask);
    }

    @Override
    public final int capacity() {
        return slots.length;
    }

    @Override
    public final int backlog() {
        return (int) (tail.get() - head.get());
    }

    @Override
    public final long tail() {
        return tail.get();
    }

    @Override
    public final long head() {
        return head.get();
    }

    @Override
    public final ReadRequest claim() {
        long t = tail.get();
        return t - head.get() < slots.length ? slot(t) : null;
    }

    /** Waits for {@code thread} to end, keeping an interrupt for the caller. */
    static void join(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
