package io.basalt.nvmet.transport;

import io.basalt.block.BlockIo;
import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Sqe;
import io.basalt.nvme.Status;
import io.basalt.nvmet.controller.Queue;
import io.basalt.nvmet.subsystem.Namespace;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * One command's life on a queue: received (init), data gathered, executed, completed — then back
 * to the queue's pool. Requests are allocated once per queue slot and reused, so the hot path
 * allocates no request state. A request is only touched on its connection's event loop, except
 * that a {@link io.basalt.block.BlockStore} may call {@link #complete(int)} from its own thread,
 * which hops back to the event loop.
 */
public final class Request implements BlockIo, Runnable {
    /** Returned by a command handler that will complete the request later. */
    public static final int PENDING = -1;

    private final ConnectionHandler connection;
    private final int tag;
    private final ByteBuf sqe = Unpooled.buffer(Sqe.LENGTH, Sqe.LENGTH);
    private ByteBuf data;
    private long sglLength;
    private int received;
    private int status;
    private long result;
    private boolean inUse;
    private boolean awaitingData;
    private boolean inStore;
    private int transferFailure;

    // Fields of the block operation this request submits (BlockIo).
    private Namespace namespace;
    private int op;
    private long offset;
    private int length;
    private boolean fua;
    private int ioStatus;
    /** When the command arrived, for latency metrics. */
    private long startNanos;
    /** Submits the block operation once QoS lets it go; one per request, so delaying allocates only Netty's timer. */
    private final Runnable delayedSubmit = this::submitBlockOp;

    Request(ConnectionHandler connection, int tag) {
        this.connection = connection;
        this.tag = tag;
    }

    /** Resets the request for a newly received command whose SQE is copied from {@code src}. */
    void init(ByteBuf src, int sqeIndex) {
        sqe.clear();
        sqe.writeBytes(src, sqeIndex, Sqe.LENGTH);
        data = null;
        sglLength = Sqe.sglLength(sqe, 0);
        received = 0;
        status = Status.SUCCESS;
        result = 0;
        namespace = null;
        awaitingData = false;
        inStore = false;
        transferFailure = Status.SUCCESS;
        startNanos = System.nanoTime();
        inUse = true;
    }

    /** Frees the data buffer; the request returns to the pool. */
    void recycle() {
        if (data != null) {
            data.release();
            data = null;
        }
        namespace = null;
        inUse = false;
    }

    boolean inUse() {
        return inUse;
    }

    /** The transfer tag: this request's slot in its queue's pool, used in R2T and H2CData. */
    public int tag() {
        return tag;
    }

    public Queue queue() {
        return connection.queue();
    }

    public ByteBuf sqe() {
        return sqe;
    }

    public int opcode() {
        return Sqe.opcode(sqe, 0);
    }

    public int cid() {
        return Sqe.cid(sqe, 0);
    }

    public int nsid() {
        return Sqe.nsid(sqe, 0);
    }

    public int cdw(int n) {
        return Sqe.cdw(sqe, 0, n);
    }

    /** Data transfer direction of the command (see {@link Opcodes}). */
    public int direction() {
        return Opcodes.transferDirection(opcode(), Sqe.fctype(sqe, 0));
    }

    /** The transfer length the host's SGL describes. */
    public long sglLength() {
        return sglLength;
    }

    /** Data received from the host (in-capsule or by H2CData), or produced for the host; may be null. */
    public ByteBuf data() {
        return data;
    }

    /** Allocates a zeroed buffer for data to return to the host; the request owns and frees it. */
    public ByteBuf allocateData(int capacity) {
        if (data != null) {
            data.release();
        }
        data = connection.alloc().directBuffer(capacity, capacity);
        return data;
    }

    /** A buffer for read data that the transport can frame in place; the request owns it. */
    public ByteBuf allocateReadData(int length) {
        attachData(connection.allocateReadBuffer(length));
        return data;
    }

    /** Hands the data buffer over (to the channel); the request no longer owns it. */
    ByteBuf detachData() {
        ByteBuf d = data;
        data = null;
        return d;
    }

    /** Replaces the data buffer with another the request then owns (the old one is released). */
    public void replaceData(ByteBuf buffer) {
        attachData(buffer);
    }

    /** Takes ownership of a data buffer. */
    void attachData(ByteBuf buffer) {
        if (data != null) {
            data.release();
        }
        data = buffer;
    }

    boolean awaitingData() {
        return awaitingData;
    }

    void setAwaitingData(boolean awaiting) {
        awaitingData = awaiting;
    }

    boolean inStore() {
        return inStore;
    }

    void setInStore(boolean in) {
        inStore = in;
    }

    /** Marks the data transfer as failed (data digest error); the command completes with this status. */
    void failTransfer(int status) {
        transferFailure = status;
    }

    int transferFailure() {
        return transferFailure;
    }

    int received() {
        return received;
    }

    void addReceived(int n) {
        received += n;
    }

    public int status() {
        return status;
    }

    public long result() {
        return result;
    }

    public void setResult(long result) {
        this.result = result;
    }

    void setStatus(int status) {
        this.status = status;
    }

    /** Whether this request's command moves data from host to controller. */
    boolean writesData() {
        return direction() == Opcodes.XFER_HOST_TO_CONTROLLER && sglLength > 0;
    }

    /** Prepares the block operation to submit with {@link #submitTo}. */
    public void setBlockOp(Namespace ns, int op, long offset, int length, boolean fua) {
        this.namespace = ns;
        this.op = op;
        this.offset = offset;
        this.length = length;
        this.fua = fua;
    }

    public Namespace namespace() {
        return namespace;
    }

    /** Submits the prepared block operation; the request completes when the store completes it. */
    public void submitBlockOp() {
        inStore = true;
        namespace.store().submit(this);
    }

    /**
     * Submits the prepared block operation after a QoS delay, from a timer on the connection's event
     * loop. Meanwhile the request counts as in the store, so a closing connection leaves it alone and
     * the store's completion recycles it.
     */
    public void submitBlockOpAfter(long delayNanos) {
        inStore = true;
        connection.queue().transport().eventLoop().schedule(delayedSubmit, delayNanos,
                java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** When the command arrived (System.nanoTime). */
    public long startNanos() {
        return startNanos;
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
        return data;
    }

    @Override
    public boolean fua() {
        return fua;
    }

    /** Store completion: may run on any thread; finishes on the connection's event loop. */
    @Override
    public void complete(int ioStatus) {
        this.ioStatus = ioStatus;
        if (connection.inEventLoop()) {
            run();
        } else {
            connection.execute(this);
        }
    }

    /** Runs on the event loop after a store completion. */
    @Override
    public void run() {
        connection.blockOpDone(this, ioStatus);
    }
}
