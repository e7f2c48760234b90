package io.basalt.engine.jmh;

import io.basalt.block.BlockIo;
import io.netty.buffer.ByteBuf;

/**
 * A reusable 4 KiB read or write, as a target's pooled request would be: the driver sets its
 * offset (and, for a write, its data) and submits it again, so the harness allocates nothing per
 * I/O. Any thread may complete it; {@link #done} publishes the status to the driver.
 */
final class BenchIo implements BlockIo {
    private final QueueDriver driver;
    private final int op;
    private long offset;
    private ByteBuf buffer;
    /** Driver thread only: submitted and not yet reaped (its status not yet checked). */
    boolean inFlight;
    private int status;
    private volatile boolean done;

    BenchIo(QueueDriver driver, int op, ByteBuf buffer) {
        this.driver = driver;
        this.op = op;
        this.buffer = buffer;
    }

    /** Readies a read into this I/O's own buffer, or a write of {@code data} (read-only, may be shared). */
    void prepare(long offset, ByteBuf data) {
        this.offset = offset;
        if (op == OP_READ) {
            buffer.clear();
        } else {
            buffer = data;
        }
        done = false;
    }

    /** Once completed: a read's buffer is its own, a write's belongs to the driver's payloads. */
    void releaseReadBuffer() {
        if (op == OP_READ) {
            buffer.release();
        }
    }

    boolean isDone() {
        return done;
    }

    /** Valid once {@link #isDone()}: the status the store completed with. */
    int status() {
        return status;
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
        return QueueDriver.BLOCK;
    }

    @Override
    public ByteBuf buffer() {
        return buffer;
    }

    @Override
    public boolean fua() {
        return false;
    }

    @Override
    public void complete(int ioStatus) {
        status = ioStatus;
        done = true;
        driver.completed();
    }
}
