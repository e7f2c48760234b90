package io.basalt.engine.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Wraps a device and can stop the pool's checkpoint thread at one of its device operations (writes
 * and syncs, counted from {@link #holdAt}), until {@link #release}: a test then does foreground I/O,
 * or cuts the power, while a checkpoint is in flight at a chosen point. It can also fail the
 * checkpoint thread's writes. Other threads pass straight through.
 */
public final class GatedDevice extends ForwardingDevice {
    private final String threadPrefix;
    private volatile int holdAt = -1;
    private volatile int ops;
    private volatile CountDownLatch held = new CountDownLatch(1);
    private volatile CountDownLatch gate = new CountDownLatch(0);
    public volatile boolean failCheckpointWrites;

    /** {@code threadPrefix}: how the checkpoint thread's name starts. */
    public GatedDevice(BlockDevice inner, String threadPrefix) {
        super(inner);
        this.threadPrefix = threadPrefix;
    }

    /** Holds the checkpoint thread at its {@code op}-th device operation from now (0: the next). */
    public synchronized void holdAt(int op) {
        ops = 0;
        held = new CountDownLatch(1);
        gate = new CountDownLatch(1);
        holdAt = op;
    }

    /** Waits until the checkpoint thread is held; false on timeout. */
    public boolean awaitHeld(long seconds) throws InterruptedException {
        return held.await(seconds, TimeUnit.SECONDS);
    }

    /** Lets a held checkpoint thread go on; no later operation is held. */
    public synchronized void release() {
        holdAt = -1;
        gate.countDown();
    }

    private boolean fromCheckpointThread() {
        return Thread.currentThread().getName().startsWith(threadPrefix);
    }

    /** Counts a checkpoint-thread operation and blocks it if it is the one to hold. */
    private void gate() throws IOException {
        if (!fromCheckpointThread()) {
            return;
        }
        CountDownLatch g;
        synchronized (this) {
            if (holdAt < 0 || ops++ != holdAt) {
                return;
            }
            g = gate;
            held.countDown();
        }
        try {
            g.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while held");
        }
    }

    @Override
    public void write(long position, ByteBuffer src) throws IOException {
        gate();
        if (failCheckpointWrites && fromCheckpointThread()) {
            throw new IOException("EIO (injected) writing the checkpoint at " + position);
        }
        super.write(position, src);
    }

    @Override
    public void sync() throws IOException {
        gate();
        super.sync();
    }
}
