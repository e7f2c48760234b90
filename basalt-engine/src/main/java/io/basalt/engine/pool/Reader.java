package io.basalt.engine.pool;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;

import java.util.concurrent.locks.LockSupport;

/**
 * One reader thread and its ring of {@link ReadRequest}s: the engine thread (the one producer) fills
 * the slot at the tail and publishes it; the reader (the one consumer) reads, checks and completes
 * slots in order and publishes its head. The ring's slots are the requests, so nothing is allocated
 * and no lock is taken. Because a reader finishes its requests in order, "every read this reader
 * began before tail {@code t} has finished" is simply {@code head >= t}: {@link Readers} builds its
 * epochs on that.
 */
final class Reader extends SlotRing implements Runnable {
    /** Requests a reader may have queued; the engine serves reads itself when every ring is full. */
    static final int RING_SIZE = 64;
    private static final int SPINS_BEFORE_PARK = 200;
    private static final long PARK_NANOS = 50_000_000L;

    private final RunReader runs;
    /** Holds codec state (native for zstd): freed when the thread ends. */
    private final PayloadDecoder decoder;
    private final Thread thread;
    private volatile boolean sleeping;
    private volatile boolean running = true;

    Reader(String name, PayloadDecoder decoder, io.basalt.engine.log.SegmentLayout layout, PoolConfig config) {
        super(RING_SIZE);
        this.decoder = decoder;
        this.runs = new RunReader(layout, config, decoder);
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this);
    }

    @Override
    public void start() {
        thread.start();
    }

    /** Hands the claimed slot, now filled, to the reader: always taken. Engine thread. */
    @Override
    public boolean publish() {
        // A full volatile store, so the read of sleeping below cannot pass it (no lost wake-up).
        tail.set(tail.get() + 1);
        if (sleeping) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    @Override
    public void stop() {
        if (thread.getState() == Thread.State.NEW) {
            decoder.close();
            return;
        }
        running = false;
        LockSupport.unpark(thread);
        join(thread);
    }

    @Override
    public long checksumErrors() {
        return runs.checksumErrors();
    }

    @Override
    public long readsInPlace() {
        return runs.readsInPlace();
    }

    @Override
    public void run() {
        int idle = 0;
        while (true) {
            long h = head.get();
            if (h == tail.get()) {
                if (!running) {
                    decoder.close();
                    return;
                }
                if (++idle < SPINS_BEFORE_PARK) {
                    Thread.onSpinWait();
                    continue;
                }
                sleeping = true;
                if (h == tail.get() && running) {
                    LockSupport.parkNanos(PARK_NANOS);
                }
                sleeping = false;
                idle = 0;
                continue;
            }
            idle = 0;
            ReadRequest r = slot(h);
            BlockIo io = r.io;
            int status = serve(r);
            r.clear();
            // Publishing the head ends this read's epoch (a segment retired before it may now be
            // reused) and frees the slot. It comes before the completion: a host that submits its
            // next read on completion must find this reader idle, or at QD1 every read would be
            // handed to a reader (a wake-up) instead of served by the engine thread.
            head.lazySet(h + 1);
            Engine.complete(io, status);
        }
    }

    private int serve(ReadRequest r) {
        try {
            return runs.read(r, r.io.buffer());
        } catch (RuntimeException e) {
            return IoStatus.INTERNAL_ERROR;
        }
    }
}
