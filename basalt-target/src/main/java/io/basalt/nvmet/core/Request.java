package io.basalt.nvmet.core;

import io.basalt.block.BlockIo;
import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Sqe;
import io.basalt.nvme.Status;
import io.basalt.nvmet.controller.Command;
import io.basalt.nvmet.controller.Queue;
import io.basalt.volume.Volume;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One command's life on a queue: received (init), data gathered, executed, completed — then back
 * to the queue's pool. Requests are allocated once per queue slot and reused, so the hot path
 * allocates no request state. A request is only touched on its connection's owning thread, except
 * that a {@link io.basalt.block.BlockStore} may call {@link #complete(int)} from its own thread,
 * which hops back to the owner. It knows its transport only as {@link Transport}.
 */
public final class Request implements BlockIo, Command, Runnable {
    /**
     * Where a request is in its one life. It leaves {@link #FREE} when a command arrives and goes
     * back to it only through the transport's completion, which sends exactly one response.
     */
    public enum State {
        /** In the queue's pool, carrying no command. */
        FREE,
        /** A command arrived: the transport checks its capsule, the command set validates it (prepare). */
        RECEIVED,
        /** Prepared; its data was solicited with an R2T and H2CData PDUs fill it in order. */
        AWAITING_DATA,
        /** Its command set runs it, or holds it to complete later (an AER waiting for an event). */
        EXECUTING,
        /**
         * QoS holds its block operation back on a timer. Like {@link #IN_STORE}, the request is out
         * of the transport's hands: a closing connection leaves it to the store's completion.
         */
        THROTTLED,
        /** Its block operation is in the store, which completes it from any thread. */
        IN_STORE
    }

    /** Returned by a command handler that will complete the request later. */
    public static final int PENDING = -1;

    private final Transport connection;
    private final int tag;
    private final ByteBuf sqe = Unpooled.buffer(Sqe.LENGTH, Sqe.LENGTH);
    private ByteBuf data;
    private long sglLength;
    private int received;
    private int status;
    private long result;
    private State state = State.FREE;
    /** The command set that prepared this command and runs the rest of its life; null until then. */
    private CommandSet commands;
    private int transferFailure;

    // Fields of the block operation this request submits (BlockIo).
    private Volume volume;
    private int op;
    private long offset;
    private int length;
    private boolean fua;
    private int ioStatus;
    /**
     * The store did not complete the block operation in {@link #submitToStore}: its completion comes
     * from another thread.
     */
    private boolean handedOff;
    /** When the command arrived, for latency metrics. */
    private long startNanos;
    /** What {@link #runAfter} runs; set by the command set, always a static (non-capturing) function. */
    private Consumer<Request> delayedTask;
    /** Runs {@link #delayedTask}; one per request, so delaying allocates only the timer's entry. */
    private final Runnable delayed = () -> delayedTask.accept(this);

    public Request(Transport connection, int tag) {
        this.connection = connection;
        this.tag = tag;
    }

    /** Resets the request for a newly received command whose SQE is copied from {@code src}. */
    public void init(ByteBuf src, int sqeIndex) {
        sqe.clear();
        sqe.writeBytes(src, sqeIndex, Sqe.LENGTH);
        data = null;
        sglLength = Sqe.sglLength(sqe, 0);
        received = 0;
        status = Status.SUCCESS;
        result = 0;
        volume = null;
        transferFailure = Status.SUCCESS;
        startNanos = System.nanoTime();
        commands = null;
        state = State.RECEIVED;
    }

    /** Binds the command set that validated this command: it executes and finishes it. */
    public void bind(CommandSet set) {
        commands = set;
    }

    /** Runs the bound command set's execute: a status to complete with, or {@link #PENDING}. */
    public int execute() {
        state = State.EXECUTING;
        return commands.execute(this);
    }

    /** The bound command set's status for the block operation's engine outcome. */
    public int blockOpDone(int ioStatus) {
        state = State.EXECUTING;
        return commands.blockOpDone(this, ioStatus);
    }

    /** Frees the data buffer; the request returns to the pool. */
    public void recycle() {
        if (data != null) {
            data.release();
            data = null;
        }
        volume = null;
        state = State.FREE;
    }

    public State state() {
        return state;
    }

    /** Moves the request on in its life; the caller is the layer that owns the step (see {@link State}). */
    public void enter(State next) {
        state = next;
    }

    /** Whether a command is on this request (it is not in the pool). */
    public boolean inUse() {
        return state != State.FREE;
    }

    /** Whether the store (or QoS on the way to it) holds the request, so only the store's completion may free it. */
    public boolean heldByStore() {
        return state == State.IN_STORE || state == State.THROTTLED;
    }

    /** The transfer tag: this request's slot in its queue's pool, used in R2T and H2CData. */
    public int tag() {
        return tag;
    }

    @Override
    public void completeLater() {
        connection.completeLater(this);
    }

    @Override
    public Queue queue() {
        return connection.queue();
    }

    @Override
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
    @Override
    public ByteBuf data() {
        return data;
    }

    /** Allocates a zeroed buffer for data to return to the host; the request owns and frees it. */
    public ByteBuf allocateData(int capacity) {
        if (data != null) {
            data.release();
        }
        data = connection.allocateData(capacity);
        return data;
    }

    /** A buffer for read data that the transport can frame in place; the request owns it. */
    public ByteBuf allocateReadData(int length) {
        attachData(connection.allocateReadBuffer(length));
        return data;
    }

    /** Hands the data buffer over (to the channel); the request no longer owns it. */
    public ByteBuf detachData() {
        ByteBuf d = data;
        data = null;
        return d;
    }

    /** Replaces the data buffer with another the request then owns (the old one is released). */
    public void replaceData(ByteBuf buffer) {
        attachData(buffer);
    }

    /** Takes ownership of a data buffer. */
    public void attachData(ByteBuf buffer) {
        if (data != null) {
            data.release();
        }
        data = buffer;
    }

    /** Marks the data transfer as failed (data digest error); the command completes with this status. */
    public void failTransfer(int status) {
        transferFailure = status;
    }

    public int transferFailure() {
        return transferFailure;
    }

    public int received() {
        return received;
    }

    public void addReceived(int n) {
        received += n;
    }

    public int status() {
        return status;
    }

    public long result() {
        return result;
    }

    @Override
    public void setResult(long result) {
        this.result = result;
    }

    public void setStatus(int status) {
        this.status = status;
    }

    /** Whether this request's command moves data from host to controller. */
    public boolean writesData() {
        return direction() == Opcodes.XFER_HOST_TO_CONTROLLER && sglLength > 0;
    }

    /** Prepares the block operation that the I/O command set submits to the volume's store. */
    public void setBlockOp(Volume volume, int op, long offset, int length, boolean fua) {
        this.volume = volume;
        this.op = op;
        this.offset = offset;
        this.length = length;
        this.fua = fua;
    }

    /** The volume of the prepared block operation (its namespace's), or null before one is prepared. */
    public Volume volume() {
        return volume;
    }

    /**
     * Runs {@code task} on this request after a delay (QoS), from a timer on the owning thread.
     * Meanwhile the request counts as in the store, so a closing connection leaves it alone and the
     * store's completion recycles it. Pass a static function: a capturing lambda would allocate.
     */
    public void runAfter(Consumer<Request> task, long delayNanos) {
        state = State.THROTTLED;
        delayedTask = task;
        connection.executor().schedule(delayed, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Called once the store's submit returned. A store that has not completed the operation by then
     * completes it later from its own thread (an engine): the transport counts it as awaited until
     * that completion runs on the owning thread, so its event loop can stay awake for it.
     */
    public void submitted() {
        // Completed inline, the request went back to its pool and left IN_STORE.
        if (state == State.IN_STORE) {
            handedOff = true;
            connection.completionAwaited();
        }
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

    /** Store completion: may run on any thread; finishes on the connection's owning thread. */
    @Override
    public void complete(int ioStatus) {
        this.ioStatus = ioStatus;
        if (connection.inOwnerThread()) {
            run();
        } else {
            connection.execute(this);
        }
    }

    /** Runs on the owning thread after a store completion. */
    @Override
    public void run() {
        if (handedOff) {
            handedOff = false;
            connection.completionReturned();
        }
        connection.blockOpDone(this, ioStatus);
    }
}
