package io.basalt.replication.server;

import io.basalt.block.BlockIo;
import io.netty.buffer.ByteBuf;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One request being applied to a replica's store: the {@link BlockIo} the store sees, pooled by
 * its connection and reused. Its completion hops back to the connection's event loop (it is its
 * own task, so the hop allocates nothing), where the answer is sent and the op freed.
 */
final class ReplicaOp implements BlockIo, Runnable {
    private static final AtomicIntegerFieldUpdater<ReplicaOp> COMPLETED =
            AtomicIntegerFieldUpdater.newUpdater(ReplicaOp.class, "completed");

    private final ServerConnection connection;
    long id;
    private int op;
    private long offset;
    private int length;
    private boolean fua;
    /** The write or deallocate payload (owned: released when answered), or the read answer being filled. */
    ByteBuf buffer;
    int status;
    // 0 while in the store, 1 once completed: a store completing twice is caught, not answered twice.
    private volatile int completed;

    ReplicaOp(ServerConnection connection) {
        this.connection = connection;
    }

    void start(long id, int op, long offset, int length, boolean fua, ByteBuf buffer) {
        this.id = id;
        this.op = op;
        this.offset = offset;
        this.length = length;
        this.fua = fua;
        this.buffer = buffer;
        this.status = -1;
        this.completed = 0;
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
        if (!COMPLETED.compareAndSet(this, 0, 1)) {
            connection.completedTwice(this, ioStatus);
            return;
        }
        this.status = ioStatus;
        connection.completed(this);
    }

    /** Completes unless the store already did (it threw after completing, say). */
    boolean completeIfPending(int ioStatus) {
        if (!COMPLETED.compareAndSet(this, 0, 1)) {
            return false;
        }
        this.status = ioStatus;
        connection.completed(this);
        return true;
    }

    /** The hop back to the connection's event loop. */
    @Override
    public void run() {
        connection.answer(this);
    }
}
