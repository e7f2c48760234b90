package io.basalt.engine.jmh;

import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;
import io.basalt.block.IoStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.concurrent.locks.LockSupport;

/**
 * One submitting thread keeping {@code depth} 4 KiB random I/Os of one kind in flight, as one NVMe
 * queue's event loop does, for a benchmark whose call time is one I/O's latency.
 *
 * <p>A call ({@link #runOne}) first resubmits every I/O that completed since the previous call, in
 * slot order from a start that rotates, and picks one of them at random (reservoir sampling) as the
 * <em>measured</em> I/O; then it waits for that one, resubmitting meanwhile every other I/O that
 * completes; it returns as soon as the measured I/O is done, leaving it for the next call. So a
 * call lasts from the moment the host could issue an I/O to that I/O's completion, and no I/O is
 * favoured by its place in the queue: a fixed measured I/O submitted first would reach an idle
 * engine alone and get a batch to itself (measured: 1.5× shorter latency than the others). By
 * Little's law the mean latency is then {@code depth / IOPS} for every store — for a store that
 * completes inline ({@code RamBlockStore}) too: from one thread, its call runs the whole queue.
 *
 * <p>The thread parks while nothing has completed (as an event loop sleeps in epoll_wait); a
 * completion unparks it only if it parked. Nothing is allocated per I/O.
 */
final class QueueDriver {
    static final int BLOCK = 4096;

    private final BlockStore store;
    private final BenchIo[] ios;
    /** Write payloads, shared read-only by every write in flight; a power of two of them. */
    private final ByteBuf[] data;
    private final long blockMask;
    private long random;
    private int firstSlot;
    private volatile Thread waiter;
    private volatile boolean waiting;

    /**
     * @param blocks the volume's size in blocks, a power of two; I/Os land uniformly on them
     * @param data   write payloads (a power of two of 4 KiB buffers; reads ignore them)
     */
    QueueDriver(BlockStore store, int op, int depth, long blocks, ByteBuf[] data, long seed) {
        if (op != BlockIo.OP_READ && op != BlockIo.OP_WRITE) {
            throw new IllegalArgumentException("reads or writes only");
        }
        if (depth < 1 || Long.bitCount(blocks) != 1 || Integer.bitCount(data.length) != 1) {
            throw new IllegalArgumentException("depth >= 1; blocks and payloads must be powers of two");
        }
        this.store = store;
        this.data = data;
        this.blockMask = blocks - 1;
        this.random = seed | 1;
        this.ios = new BenchIo[depth];
        for (int i = 0; i < depth; i++) {
            ios[i] = new BenchIo(this, op, op == BlockIo.OP_READ ? Unpooled.directBuffer(BLOCK, BLOCK) : null);
        }
    }

    /**
     * Runs until one I/O, submitted at the start of the call, completed; returns how many I/Os
     * completed during the call (counted when reaped, so the measured one counts in the next call).
     */
    int runOne() {
        if (waiter != Thread.currentThread()) {
            waiter = Thread.currentThread();
        }
        int completed = 0;
        BenchIo measured = null;
        int submitted = 0;
        int slot = firstSlot;
        firstSlot = slot + 1 == ios.length ? 0 : slot + 1;
        for (int k = 0; k < ios.length; k++) {
            BenchIo io = ios[slot];
            slot = slot + 1 == ios.length ? 0 : slot + 1;
            if (io.inFlight && !io.isDone()) {
                continue;
            }
            completed += reap(io);
            submit(io);
            submitted++;
            if (nextRandom() >>> 33 < (1L << 31) / submitted) {
                measured = io;
            }
        }
        if (measured == null) {
            throw new IllegalStateException("no I/O ready at the start of a call: the previous one left none done");
        }
        while (!measured.isDone()) {
            int reaped = 0;
            for (BenchIo io : ios) {
                if (io != measured && io.inFlight && io.isDone()) {
                    reaped += reap(io);
                    submit(io);
                }
            }
            if (reaped == 0) {
                await();
            }
            completed += reaped;
        }
        return completed;
    }

    /** Waits for every I/O in flight, then frees the read buffers; before the store closes. */
    void close() {
        waiter = Thread.currentThread();
        for (BenchIo io : ios) {
            while (io.inFlight && !io.isDone()) {
                await();
            }
            io.inFlight = false;
            io.releaseReadBuffer();
        }
    }

    /** Called by the completing thread after the I/O's status is published. */
    void completed() {
        if (waiting) {
            LockSupport.unpark(waiter);
        }
    }

    /** Checks a completed I/O's status; returns 1 if it was in flight (a completion to count). */
    private static int reap(BenchIo io) {
        if (!io.inFlight) {
            return 0;
        }
        if (io.status() != IoStatus.OK) {
            throw new IllegalStateException("I/O at " + io.offset() + " failed with status " + io.status());
        }
        io.inFlight = false;
        return 1;
    }

    /** Parks until a completion may have come; waiting and done are both volatile, so one side sees the other. */
    private void await() {
        waiting = true;
        if (!anyDone()) {
            LockSupport.park(this);
        }
        waiting = false;
    }

    private boolean anyDone() {
        for (BenchIo io : ios) {
            if (io.inFlight && io.isDone()) {
                return true;
            }
        }
        return false;
    }

    private void submit(BenchIo io) {
        long r = nextRandom();
        io.prepare((r & blockMask) * BLOCK, data[(int) (r >>> 40) & (data.length - 1)]);
        io.inFlight = true;
        store.submit(io);
    }

    /** xorshift64: no allocation, no shared state. */
    private long nextRandom() {
        long x = random;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        random = x;
        return x;
    }
}
