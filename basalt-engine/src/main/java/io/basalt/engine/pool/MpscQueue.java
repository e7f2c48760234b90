package io.basalt.engine.pool;

import io.basalt.block.BlockIo;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Bounded many-producer, one-consumer ring of (volume, operation) pairs, without locks or
 * allocation: producers claim a slot by CAS on the tail and publish it with an ordered store of
 * the operation; the engine thread consumes in claim order.
 */
final class MpscQueue {
    private final int mask;
    private final AtomicReferenceArray<BlockIo> ios;
    private final EngineBlockStore[] owners;
    private final AtomicLong tail = new AtomicLong();
    private final AtomicLong head = new AtomicLong();

    MpscQueue(int capacity) {
        this.mask = capacity - 1;
        this.ios = new AtomicReferenceArray<>(capacity);
        this.owners = new EngineBlockStore[capacity];
    }

    /** Adds the pair; false if the ring is full. Any thread. */
    boolean offer(EngineBlockStore owner, BlockIo io) {
        while (true) {
            long t = tail.get();
            if (t - head.get() > mask) {
                return false;
            }
            if (tail.compareAndSet(t, t + 1)) {
                int i = (int) (t & mask);
                owners[i] = owner;
                ios.set(i, io);
                return true;
            }
        }
    }

    /** The next published operation, or null; {@link #owner()} is its volume. Engine thread only. */
    BlockIo poll() {
        long h = head.get();
        int i = (int) (h & mask);
        BlockIo io = ios.get(i);
        if (io == null) {
            return null;
        }
        lastOwner = owners[i];
        owners[i] = null;
        ios.lazySet(i, null);
        head.lazySet(h + 1);
        return io;
    }

    private EngineBlockStore lastOwner;

    EngineBlockStore owner() {
        return lastOwner;
    }

    boolean isEmpty() {
        return ios.get((int) (head.get() & mask)) == null;
    }
}
