package io.basalt.engine.pool;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One read split into parts that several {@link Reader}s serve at once (its blocks scattered over
 * the device: each part is one or more device reads). Each part sets its blocks at their own place
 * in the read's buffer; the part that finishes last sets the buffer's writer index and completes
 * the read with the first failure of any part, or OK. Preallocated in {@link Readers}' pool and
 * reused: the engine thread claims a free one, fills it and publishes the parts through the readers'
 * rings (whose volatile tails order the fields before any reader sees them); the last part frees it.
 */
final class ReadJoin {
    /** Parts not finished; the one that takes it to zero completes the read. */
    private final AtomicInteger pending = new AtomicInteger();
    /** {@link IoStatus#OK} until a part fails; the first failure wins. */
    private final AtomicInteger status = new AtomicInteger();
    /** Whether the engine may claim this join: set by the last part, after it has read the fields. */
    private volatile boolean free = true;
    private BlockIo io;
    private int endIndex;

    boolean isFree() {
        return free;
    }

    /** Claims this join for {@code op}, in {@code parts} parts, whose buffer ends at {@code end} when read. Engine thread. */
    void claim(BlockIo op, int parts, int end) {
        free = false;
        io = op;
        endIndex = end;
        status.set(IoStatus.OK);
        pending.set(parts);
    }

    /** A part finished with {@code partStatus}; the last one completes the read and frees the join. Reader threads. */
    void partDone(int partStatus) {
        if (partStatus != IoStatus.OK) {
            status.compareAndSet(IoStatus.OK, partStatus);
        }
        if (pending.decrementAndGet() != 0) {
            return;
        }
        BlockIo op = io;
        int s = status.get();
        if (s == IoStatus.OK) {
            op.buffer().writerIndex(endIndex);
        }
        io = null;
        free = true;
        Engine.complete(op, s);
    }
}
