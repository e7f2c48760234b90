package io.basalt.initiator.testing;

import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store that holds back one read, the {@code nth}, by {@code delayMillis} before serving it, as a
 * stalled device would; every other operation goes straight to the store it wraps. Counts the reads
 * it served, so a test can compare a host's count with the target's.
 */
public final class DelayedStore implements BlockStore {
    private final BlockStore store;
    private final long nth;
    private final long delayMillis;
    private final AtomicLong submittedReads = new AtomicLong();
    private final AtomicLong servedReads = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "delayed-store");
        t.setDaemon(true);
        return t;
    });

    public DelayedStore(BlockStore store, long nth, long delayMillis) {
        this.store = store;
        this.nth = nth;
        this.delayMillis = delayMillis;
    }

    /** Reads handed to the wrapped store (the delayed one once its delay is over). */
    public long servedReads() {
        return servedReads.get();
    }

    @Override
    public void submit(BlockIo io) {
        if (io.op() != BlockIo.OP_READ) {
            store.submit(io);
            return;
        }
        Runnable serve = () -> {
            servedReads.incrementAndGet(); // before: the host may see the completion before submit returns
            store.submit(io);
        };
        if (submittedReads.incrementAndGet() == nth) {
            timer.schedule(serve, delayMillis, TimeUnit.MILLISECONDS);
        } else {
            serve.run();
        }
    }

    @Override
    public long capacityBytes() {
        return store.capacityBytes();
    }

    @Override
    public int blockSize() {
        return store.blockSize();
    }

    @Override
    public boolean volatileWriteCache() {
        return store.volatileWriteCache();
    }

    @Override
    public long allocatedBytes() {
        return store.allocatedBytes();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        store.close();
    }
}
