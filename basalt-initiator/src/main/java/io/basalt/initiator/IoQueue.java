package io.basalt.initiator;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Sqe;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * One I/O queue of a controller: a stable handle over whichever TCP connection currently carries
 * the queue, pinned to one event loop for its whole life (reconnections included).
 *
 * <p>The callback methods do not allocate when called on {@link #eventLoop()} (as from a callback);
 * from another thread they hop to the loop first. Callbacks run on the loop. Data buffers stay
 * the caller's: a write sends {@code src}'s readable bytes (its indexes are not moved) by
 * reference, so they must not change until the callback; a read lands at {@code dst}'s writer
 * index, which moves past the data on success.
 *
 * <p>After a dropped connection every command in flight fails with {@link NvmeTransportException};
 * while the controller reconnects new commands fail the same way at once; once it has reconnected,
 * new commands go to the new connection. Callbacks must therefore not resubmit blindly on failure.
 */
public final class IoQueue implements BlockQueue {
    private final NvmeController controller;
    private final int qid;
    private final EventLoop loop;
    private volatile QueueConnection connection;

    IoQueue(NvmeController controller, int qid, EventLoop loop) {
        this.controller = controller;
        this.qid = qid;
        this.loop = loop;
    }

    void attach(QueueConnection c) {
        this.connection = c;
    }

    QueueConnection connection() {
        return connection;
    }

    public int qid() {
        return qid;
    }

    /** The event loop every callback of this queue runs on; submit from here to avoid a hop. */
    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    /** Whether the queue's connection is up. */
    public boolean isConnected() {
        QueueConnection c = connection;
        return c != null && c.isReady();
    }

    /** Commands this queue can have in flight. */
    public int depth() {
        QueueConnection c = connection;
        return c == null ? 0 : c.depth();
    }

    // ---- callback API -----------------------------------------------------------------------

    @Override
    public void read(NamespaceInfo ns, long slba, int nlb, ByteBuf dst, IoCallback cb) {
        int length = transferLength(ns, nlb);
        if (!loop.inEventLoop()) {
            hop(() -> read(ns, slba, nlb, dst, cb), cb);
            return;
        }
        QueueConnection c = connection;
        dst.ensureWritable(length);
        ByteBuf sqe = c.sqe();
        rw(sqe, Opcodes.IO_READ, ns, slba, nlb, 0);
        c.submit(Opcodes.XFER_CONTROLLER_TO_HOST, dst, dst.writerIndex(), length, true, cb);
    }

    public void write(NamespaceInfo ns, long slba, int nlb, ByteBuf src, IoCallback cb) {
        write(ns, slba, nlb, src, false, cb);
    }

    /** A write; with {@code fua} the controller makes it durable before completing. */
    @Override
    public void write(NamespaceInfo ns, long slba, int nlb, ByteBuf src, boolean fua, IoCallback cb) {
        int length = transferLength(ns, nlb);
        if (src.readableBytes() < length) {
            throw new IllegalArgumentException("write of " + nlb + " blocks needs " + length + " readable bytes, "
                    + src.readableBytes() + " given");
        }
        if (!loop.inEventLoop()) {
            hop(() -> write(ns, slba, nlb, src, fua, cb), cb);
            return;
        }
        QueueConnection c = connection;
        ByteBuf sqe = c.sqe();
        rw(sqe, Opcodes.IO_WRITE, ns, slba, nlb, fua ? 1 << 30 : 0);
        c.submit(Opcodes.XFER_HOST_TO_CONTROLLER, src, src.readerIndex(), length, false, cb);
    }

    @Override
    public void flush(NamespaceInfo ns, IoCallback cb) {
        if (!loop.inEventLoop()) {
            hop(() -> flush(ns, cb), cb);
            return;
        }
        QueueConnection c = connection;
        ByteBuf sqe = c.sqe();
        sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.IO_FLUSH);
        sqe.setIntLE(Sqe.NSID_OFFSET, ns.nsid());
        c.submit(Opcodes.XFER_NONE, null, 0, 0, false, cb);
    }

    /** Write Zeroes; with {@code deallocate} the controller may deallocate the blocks (DEAC). */
    public void writeZeroes(NamespaceInfo ns, long slba, int nlb, boolean deallocate, IoCallback cb) {
        checkBlocks(nlb);
        if (!loop.inEventLoop()) {
            hop(() -> writeZeroes(ns, slba, nlb, deallocate, cb), cb);
            return;
        }
        QueueConnection c = connection;
        ByteBuf sqe = c.sqe();
        rw(sqe, Opcodes.IO_WRITE_ZEROES, ns, slba, nlb, deallocate ? 1 << 25 : 0);
        c.submit(Opcodes.XFER_NONE, null, 0, 0, false, cb);
    }

    /**
     * Dataset Management with the Deallocate attribute for up to 256 ranges. Builds its range list
     * in a new buffer: not for the hot path.
     */
    public void deallocate(NamespaceInfo ns, long[] slbas, int[] nlbs, IoCallback cb) {
        if (slbas.length != nlbs.length || slbas.length == 0 || slbas.length > 256) {
            throw new IllegalArgumentException("1..256 ranges with one length each");
        }
        ByteBuf ranges = Unpooled.directBuffer(16 * slbas.length);
        for (int i = 0; i < slbas.length; i++) {
            ranges.writeIntLE(0).writeIntLE(nlbs[i]).writeLongLE(slbas[i]);
        }
        IoCallback releasing = (failure, result) -> {
            ranges.release();
            cb.onComplete(failure, result);
        };
        Runnable r = () -> {
            QueueConnection c = connection;
            ByteBuf sqe = c.sqe();
            sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.IO_DATASET_MANAGEMENT);
            sqe.setIntLE(Sqe.NSID_OFFSET, ns.nsid());
            sqe.setIntLE(Sqe.CDW10_OFFSET, slbas.length - 1);
            sqe.setIntLE(Sqe.CDW11_OFFSET, 1 << 2); // AD: deallocate
            c.submit(Opcodes.XFER_HOST_TO_CONTROLLER, ranges, 0, ranges.readableBytes(), false, releasing);
        };
        if (loop.inEventLoop()) {
            r.run();
        } else {
            hop(r, releasing);
        }
    }

    // ---- CompletableFuture API (allocates; for tests, tools and setup) -----------------------

    public CompletableFuture<Void> readAsync(NamespaceInfo ns, long slba, int nlb, ByteBuf dst) {
        FutureCompletion f = new FutureCompletion();
        read(ns, slba, nlb, dst, f);
        return f;
    }

    public CompletableFuture<Void> writeAsync(NamespaceInfo ns, long slba, int nlb, ByteBuf src) {
        FutureCompletion f = new FutureCompletion();
        write(ns, slba, nlb, src, f);
        return f;
    }

    public CompletableFuture<Void> flushAsync(NamespaceInfo ns) {
        FutureCompletion f = new FutureCompletion();
        flush(ns, f);
        return f;
    }

    public CompletableFuture<Void> writeZeroesAsync(NamespaceInfo ns, long slba, int nlb, boolean deallocate) {
        FutureCompletion f = new FutureCompletion();
        writeZeroes(ns, slba, nlb, deallocate, f);
        return f;
    }

    public CompletableFuture<Void> deallocateAsync(NamespaceInfo ns, long slba, int nlb) {
        FutureCompletion f = new FutureCompletion();
        deallocate(ns, new long[] {slba}, new int[] {nlb}, f);
        return f;
    }

    // ---- helpers ----------------------------------------------------------------------------

    private int transferLength(NamespaceInfo ns, int nlb) {
        checkBlocks(nlb);
        long length = (long) nlb * ns.blockSize();
        if (length > controller.maxTransferSize()) {
            throw new IllegalArgumentException(length + " bytes exceed the controller's maximum transfer size of "
                    + controller.maxTransferSize());
        }
        return (int) length;
    }

    private static void checkBlocks(int nlb) {
        if (nlb < 1 || nlb > 65536) {
            throw new IllegalArgumentException("block count must be 1..65536, not " + nlb);
        }
    }

    private static void rw(ByteBuf sqe, int opcode, NamespaceInfo ns, long slba, int nlb, int cdw12Flags) {
        sqe.setByte(Sqe.OPCODE_OFFSET, opcode);
        sqe.setIntLE(Sqe.NSID_OFFSET, ns.nsid());
        sqe.setLongLE(Sqe.CDW10_OFFSET, slba);
        sqe.setIntLE(Sqe.CDW12_OFFSET, (nlb - 1) | cdw12Flags);
    }

    private void hop(Runnable r, IoCallback cb) {
        try {
            loop.execute(r);
        } catch (RejectedExecutionException e) {
            cb.onComplete(new NvmeTransportException("queue " + qid + ": event loop is shut down", e), 0);
        }
    }

    @Override
    public String toString() {
        return "I/O queue " + qid + " of " + controller;
    }

    private static final class FutureCompletion extends CompletableFuture<Void> implements IoCallback {
        @Override
        public void onComplete(NvmeException failure, long result) {
            if (failure != null) {
                completeExceptionally(failure);
            } else {
                complete(null);
            }
        }
    }
}
