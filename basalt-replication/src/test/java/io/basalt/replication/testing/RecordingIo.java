package io.basalt.replication.testing;

import io.basalt.block.BlockIo;
import io.netty.buffer.ByteBuf;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link BlockIo} that records how often and how it completed, for tests. Reusable via {@link #reset}. */
public final class RecordingIo implements BlockIo {
    private int op;
    private long offset;
    private int length;
    private ByteBuf buffer;
    private boolean fua;
    private final AtomicInteger completions = new AtomicInteger();
    private volatile int status = -1;
    private volatile CountDownLatch done = new CountDownLatch(1);
    private Runnable whenDone = () -> {
    };

    public RecordingIo(int op, long offset, int length, ByteBuf buffer) {
        reset(op, offset, length, buffer, false);
    }

    public RecordingIo reset(int op, long offset, int length, ByteBuf buffer, boolean fua) {
        this.op = op;
        this.offset = offset;
        this.length = length;
        this.buffer = buffer;
        this.fua = fua;
        this.completions.set(0);
        this.status = -1;
        this.done = new CountDownLatch(1);
        return this;
    }

    @Override
    public int op() {
        return op;
    }

    @Override
    public long offset() {
        return offset;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public ByteBuf buffer() {
        return buffer;
    }

    @Override
    public boolean fua() {
        return fua;
    }

    @Override
    public void complete(int ioStatus) {
        status = ioStatus;
        completions.incrementAndGet();
        done.countDown();
        whenDone.run();
    }

    /** Also runs {@code action} on every completion (after the latch opens). */
    public RecordingIo whenDone(Runnable action) {
        this.whenDone = action;
        return this;
    }

    /** Waits for the completion; returns the status, or -1 if none came in time. */
    public int await(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? status : -1;
    }

    public boolean isDone() {
        return done.getCount() == 0;
    }

    public int completions() {
        return completions.get();
    }

    public int status() {
        return status;
    }
}
