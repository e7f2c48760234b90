package io.basalt.initiator;

import io.basalt.nvme.Sqe;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One TCP connection carrying one NVMe queue, host side: its life from connect through ICReq and
 * ICResp to close, and the submission of commands. It is made of three named parts, all on the
 * connection's event loop: {@link CommandSlots} (the commands in flight and how each ends),
 * {@link PduSender} (capsules, H2CData, flush batching) and {@link PduReceiver} (the receive state
 * machine and every check on what the target sends). {@link #call} hops to the loop from other
 * threads.
 *
 * <p>Connection states: {@code AWAIT_IC_RESP}, {@code READY}, {@code TERMINATED} (a fatal error
 * was found; an H2CTermReq is on its way and the socket closes), {@code CLOSED}. Anything the
 * target sends that the Linux host would refuse is fatal: the connection ends and every command on
 * it fails with {@link NvmeTransportException}.
 */
final class QueueConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(QueueConnection.class);

    enum State { CONNECTING, AWAIT_IC_RESP, READY, TERMINATED, CLOSED }

    /** Told once when a connection that became ready is lost for any reason but {@link #close}. */
    interface Listener {
        void connectionLost(QueueConnection connection, NvmeTransportException cause);
    }

    private final String name;
    private final int qid;
    private final InitiatorConfig config;
    private final EventLoop loop;
    private final Listener listener;
    private final CompletableFuture<QueueConnection> ready = new CompletableFuture<>();
    private final CommandSlots slots;
    private final PduSender sender;
    private final PduReceiver receiver;
    // A heap scratch buffer owned by this object (no reference counting): a dead connection can
    // still build an SQE and refuse it.
    private final ByteBuf sqe = Unpooled.buffer(Sqe.LENGTH, Sqe.LENGTH);
    private ChannelHandlerContext ctx;
    private volatile State state = State.CONNECTING;
    private boolean closedByUs;
    private ScheduledFuture<?> timeoutScan;
    private ScheduledFuture<?> icRespTimeout;
    private Throwable closeCause;

    /** {@code sqFlowControlOff}: whether Connect will ask for CATTR bit 2 (which makes the C2HData SUCCESS flag valid). */
    QueueConnection(String name, int qid, int depth, InitiatorConfig config, EventLoop loop, boolean sqFlowControlOff,
                    Listener listener) {
        this.name = name;
        this.qid = qid;
        this.config = config;
        this.loop = loop;
        this.listener = listener;
        this.slots = new CommandSlots(name, qid, depth, config.commandTimeoutMillis());
        this.sender = new PduSender(loop);
        this.receiver = new PduReceiver(this, slots, sender, config, sqFlowControlOff);
    }

    /**
     * Connects, sends ICReq and completes when a valid ICResp arrived. {@code sqFlowControlOff}
     * says whether Connect will ask for CATTR bit 2 (which makes the C2HData SUCCESS flag valid).
     */
    static CompletableFuture<QueueConnection> open(String name, int qid, int depth, InitiatorConfig config,
                                                   EventLoop loop, Class<? extends Channel> channelClass,
                                                   InetSocketAddress address, boolean sqFlowControlOff,
                                                   Listener listener) {
        QueueConnection c = new QueueConnection(name, qid, depth, config, loop, sqFlowControlOff, listener);
        Bootstrap b = new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, config.connectTimeoutMillis())
                .handler(c);
        b.connect(address).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                c.ready.completeExceptionally(new NvmeTransportException(name + ": cannot connect to " + address
                        + ": " + f.cause(), f.cause()));
            }
        });
        return c.ready;
    }

    CompletableFuture<QueueConnection> ready() {
        return ready;
    }

    String name() {
        return name;
    }

    int qid() {
        return qid;
    }

    EventLoop eventLoop() {
        return loop;
    }

    State state() {
        return state;
    }

    boolean isReady() {
        return state == State.READY;
    }

    /** A fatal error, the target or a close ended the connection: nothing more is received. */
    boolean hasEnded() {
        return state == State.TERMINATED || state == State.CLOSED;
    }

    int depth() {
        return slots.depth();
    }

    /** Commands in flight (including timed-out ones the target has not answered); loop only. */
    int outstanding() {
        return slots.outstanding();
    }

    /** Sets the in-capsule write limit once Identify told it (IOCCSZ); loop or before use. */
    void inCapsuleLimit(int limit) {
        sender.inCapsuleLimit(limit);
    }

    // ---- submission -------------------------------------------------------------------------

    /** The zeroed scratch SQE the next {@link #submit} sends; loop only. */
    ByteBuf sqe() {
        sqe.setZero(0, Sqe.LENGTH);
        return sqe;
    }

    /**
     * Sends the scratch SQE with the given data; loop only. For host-to-controller data the bytes
     * {@code data[index, index+length)} are sent (in-capsule or on R2T) without copying; for
     * controller-to-host data they land there, and with {@code advanceWriter} the buffer's writer
     * index moves past them on success. The callback is called exactly once.
     */
    void submit(int direction, ByteBuf data, int index, int length, boolean advanceWriter, IoCallback callback) {
        if (state != State.READY) {
            callback.onComplete(notReady(), 0);
            return;
        }
        CommandSlot s = slots.acquire();
        if (s == null) {
            callback.onComplete(new NvmeTransportException(name + ": all " + slots.depth()
                    + " command slots are in use"), 0);
            return;
        }
        s.callback = callback;
        s.data = data;
        s.dataIndex = index;
        s.length = length;
        s.direction = direction;
        s.advanceWriter = advanceWriter;
        s.opcode = sqe.getUnsignedByte(Sqe.OPCODE_OFFSET);
        s.fctype = sqe.getUnsignedByte(Sqe.FCTYPE_OFFSET);
        sender.sendCommand(sqe, s);
    }

    /** Builds and submits a command from any thread; for setup and other non-hot paths. */
    CompletableFuture<Long> call(Consumer<ByteBuf> sqeWriter, int direction, ByteBuf data, int index, int length) {
        FutureCallback f = new FutureCallback();
        Runnable r = () -> {
            try {
                sqeWriter.accept(sqe());
                submit(direction, data, index, length, false, f);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        };
        if (loop.inEventLoop()) {
            r.run();
        } else {
            try {
                loop.execute(r);
            } catch (RejectedExecutionException e) {
                f.completeExceptionally(new NvmeTransportException(name + ": event loop is shut down", e));
            }
        }
        return f;
    }

    private NvmeTransportException notReady() {
        return new NvmeTransportException(name + " is not connected (" + state + ")");
    }

    // ---- lifecycle --------------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        sender.attach(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        state = State.AWAIT_IC_RESP;
        sender.sendIcReq(receiver.askedDigests());
        icRespTimeout = loop.schedule(() -> {
            if (state == State.AWAIT_IC_RESP) {
                fail(name + ": no ICResp within " + config.connectTimeoutMillis() + " ms", null);
            }
        }, config.connectTimeoutMillis(), TimeUnit.MILLISECONDS);
    }

    /** The receiver accepted the ICResp (and told the sender what it granted): commands may flow. */
    void established() {
        state = State.READY;
        icRespTimeout.cancel(false);
        long period = Math.clamp(config.commandTimeoutMillis() / 4, 10, 1000);
        timeoutScan = loop.scheduleAtFixedRate(slots::expire, period, period, TimeUnit.MILLISECONDS);
        ready.complete(this);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        boolean wasReady = ready.isDone() && !ready.isCompletedExceptionally();
        state = State.CLOSED;
        cancelTimers();
        String why = closeCause != null ? closeCause.toString() : "closed by the target";
        NvmeTransportException e = new NvmeTransportException(name + ": connection lost (" + why + ")", closeCause);
        ready.completeExceptionally(e);
        slots.failAll(e);
        if (wasReady && !closedByUs) {
            listener.connectionLost(this, e);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{}: {}", name, cause.toString());
        if (closeCause == null) {
            closeCause = cause;
        }
        ctx.close();
    }

    /** Closes the connection on purpose: in-flight commands fail; the listener is not told. */
    void close() {
        Runnable r = () -> {
            closedByUs = true;
            if (ctx != null) {
                ctx.close();
            }
        };
        if (loop.inEventLoop()) {
            r.run();
        } else {
            try {
                loop.execute(r);
            } catch (RejectedExecutionException e) {
                // the loop is gone and with it the channel
            }
        }
    }

    /** Closes the connection as a failure: the listener is told, as for a drop. */
    void abort(String reason) {
        loop.execute(() -> fail(name + ": " + reason, null));
    }

    /** The target sent C2HTermReq: it is closing; commands in flight fail when the socket does. */
    void terminatedByTarget(int fes, long fei) {
        LOG.warn("{}: target terminated the connection: FES {} FEI {}", name, fes, fei);
        state = State.TERMINATED;
        closeCause = new NvmeTransportException("C2HTermReq FES " + fes + " FEI " + fei);
        ctx.close();
    }

    /** Ends the connection now: every command in flight and a pending {@link #ready()} fail. */
    void fail(String message, Throwable cause) {
        if (hasEnded()) {
            return;
        }
        state = State.TERMINATED;
        NvmeTransportException e = new NvmeTransportException(message, cause);
        closeCause = e;
        ready.completeExceptionally(e);
        slots.failAll(e);
        ctx.close();
    }

    private void cancelTimers() {
        if (timeoutScan != null) {
            timeoutScan.cancel(false);
        }
        if (icRespTimeout != null) {
            icRespTimeout.cancel(false);
        }
    }

    // ---- receive ----------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        sender.readStarted();
        try {
            while (in.isReadable() && (state == State.READY || state == State.AWAIT_IC_RESP)) {
                receiver.receive(in);
            }
        } finally {
            in.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        sender.readComplete();
    }
}
