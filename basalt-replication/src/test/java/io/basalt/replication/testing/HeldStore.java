package io.basalt.replication.testing;

import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store that counts what it is given and, while holding, keeps operations in flight instead of
 * passing them on: for tests of what happens to operations still in a store.
 */
public final class HeldStore implements BlockStore {
    private final BlockStore inner;
    private final java.util.concurrent.ConcurrentLinkedDeque<BlockIo> held = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final AtomicInteger submitted = new AtomicInteger();
    private volatile boolean holding;

    public HeldStore(BlockStore inner) {
        this.inner = inner;
    }

    public void hold() {
        holding = true;
    }

    /** Stops holding and passes every held operation on. */
    public void release() {
        holding = false;
        BlockIo io;
        while ((io = held.poll()) != null) {
            inner.submit(io);
        }
    }

    /** Passes on only the operation held last, so operations complete out of their order. */
    public void releaseNewest() {
        BlockIo io = held.pollLast();
        if (io != null) {
            inner.submit(io);
        }
    }

    public int submitted() {
        return submitted.get();
    }

    public int held() {
        return held.size();
    }

    @Override
    public void submit(BlockIo io) {
        submitted.incrementAndGet();
        if (holding) {
            held.add(io);
        } else {
            inner.submit(io);
        }
    }

    @Override
    public long capacityBytes() {
        return inner.capacityBytes();
    }

    @Override
    public int blockSize() {
        return inner.blockSize();
    }

    @Override
    public boolean volatileWriteCache() {
        return inner.volatileWriteCache();
    }

    @Override
    public long allocatedBytes() {
        return inner.allocatedBytes();
    }

    @Override
    public void close() {
        inner.close();
    }
}
