package io.basalt.replication.client;

import io.basalt.block.BlockIo;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The operations sent to one brick and not yet answered, by request id: preallocated slots indexed
 * by id modulo the capacity, lock-free, so submitting threads and the event loop share it without
 * allocation. Ids only grow, so a late answer to a timed-out request never matches a newer one.
 *
 * <p>A slot's life: {@link #claim} (an id is reserved), {@link #publish} (the operation becomes
 * visible to takers), {@link #take} (exactly one taker — the answer, the timeout scan, a broken
 * connection or a close — gets it, and the slot is free again). Whoever takes an operation
 * completes it: that is what makes completion exactly once.
 */
final class PendingTable {
    private static final long FREE = -1;
    /** Ids tried before giving up when slots are busy (a burst over capacity, or slow answers). */
    private static final int PROBES = 8;

    private final int mask;
    private final AtomicLongArray ids;
    private final AtomicReferenceArray<BlockIo> ios;
    // Written before the operation is published (a volatile write), read after seeing it.
    private final long[] deadlines;
    private final AtomicLong nextId = new AtomicLong();

    /** {@code capacity}: a power of two. */
    PendingTable(int capacity) {
        this.mask = capacity - 1;
        this.ids = new AtomicLongArray(capacity);
        this.ios = new AtomicReferenceArray<>(capacity);
        this.deadlines = new long[capacity];
        for (int i = 0; i < capacity; i++) {
            ids.set(i, FREE);
        }
    }

    int capacity() {
        return mask + 1;
    }

    /** Reserves a slot; returns its request id, or -1 when no slot was free. */
    long claim() {
        for (int i = 0; i < PROBES; i++) {
            long id = nextId.getAndIncrement();
            int s = slot(id);
            if (ids.get(s) == FREE && ids.compareAndSet(s, FREE, id)) {
                return id;
            }
        }
        return -1;
    }

    /** Gives back a claimed slot that was never published. */
    void unclaim(long id) {
        ids.set(slot(id), FREE);
    }

    /** Makes a claimed slot's operation visible to takers, due by {@code deadlineNanos}. */
    void publish(long id, BlockIo io, long deadlineNanos) {
        int s = slot(id);
        deadlines[s] = deadlineNanos;
        ios.set(s, io);
    }

    /** The operation sent under {@code id}, now owned by the caller, or null if someone else took it. */
    BlockIo take(long id) {
        int s = slot(id);
        BlockIo io = ios.get(s);
        if (io == null || ids.get(s) != id || !ios.compareAndSet(s, io, null)) {
            return null;
        }
        if (ids.get(s) != id) {
            // The slot was taken, freed and reused by the same caller's object between our reads:
            // what we hold is the newer operation; nobody else can take or claim it, so put it back.
            ios.set(s, io);
            return null;
        }
        ids.set(s, FREE);
        return io;
    }

    /** Takes the operation in slot {@code s} whatever its id, or null if none is published there. */
    BlockIo takeSlot(int s) {
        long id = ids.get(s);
        return id == FREE ? null : take(id);
    }

    /** Takes the operation in slot {@code s} if it is past its deadline, else null. */
    BlockIo takeIfExpired(int s, long nowNanos) {
        long id = ids.get(s);
        if (id == FREE || ios.get(s) == null || nowNanos - deadlines[s] <= 0) {
            return null;
        }
        return take(id);
    }

    private int slot(long id) {
        return (int) id & mask;
    }
}
