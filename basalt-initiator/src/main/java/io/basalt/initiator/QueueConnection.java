package io.basalt.initiator;

import io.basalt.nvme.Cqe;
import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Sqe;
import io.basalt.nvme.Status;
import io.basalt.nvme.tcp.CapsulePdu;
import io.basalt.nvme.tcp.CommonHeader;
import io.basalt.nvme.tcp.Crc32c;
import io.basalt.nvme.tcp.DataPdu;
import io.basalt.nvme.tcp.IcReq;
import io.basalt.nvme.tcp.IcResp;
import io.basalt.nvme.tcp.PduFlags;
import io.basalt.nvme.tcp.PduType;
import io.basalt.nvme.tcp.R2t;
import io.basalt.nvme.tcp.TermReq;
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
import java.util.zip.CRC32C;

/**
 * One TCP connection carrying one NVMe queue, host side: the preallocated command slots, the
 * capsule and H2CData send path, and the PDU receive state machine. Everything runs on the
 * connection's event loop; {@link #call} hops there from other threads.
 *
 * <p>Receive states: {@code HEADER} (the common header, then the rest of the header up to PDO,
 * digest included), {@code DATA} (C2HData payload, copied straight into the command's buffer as
 * it arrives), {@code DATA_DIGEST}. Connection states: {@code AWAIT_IC_RESP}, {@code READY},
 * {@code TERMINATED} (a fatal error was found; an H2CTermReq is on its way and the socket closes),
 * {@code CLOSED}. Anything the target sends that the Linux host would refuse is fatal: the
 * connection ends and every command on it fails with {@link NvmeTransportException}.
 *
 * <p>A command ID is the slot index in the low {@value #SLOT_BITS} bits and a 4-bit generation
 * above, so a completion for a recycled slot is recognised as unknown.
 */
final class QueueConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(QueueConnection.class);
    static final int SLOT_BITS = 12;
    static final int SLOT_MASK = (1 << SLOT_BITS) - 1;
    private static final int HEADER_BUFFER = 256;

    enum State { CONNECTING, AWAIT_IC_RESP, READY, TERMINATED, CLOSED }

    private enum Rx { HEADER, DATA, DATA_DIGEST }

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
    private final CRC32C txCrc = new CRC32C();
    private final CRC32C rxCrc = new CRC32C();
    private final CommandSlot[] slots;
    private final int[] free;
    private int freeCount;
    // Heap scratch buffers owned by this object (no reference counting): a dead connection can
    // still build an SQE and refuse it.
    private final ByteBuf sqe = Unpooled.buffer(Sqe.LENGTH, Sqe.LENGTH);
    private final ByteBuf hdr = Unpooled.buffer(HEADER_BUFFER, HEADER_BUFFER);
    private final Runnable flushTask = this::flushNow;
    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private volatile State state = State.CONNECTING;
    private boolean closedByUs;
    private boolean headerDigest;
    private boolean dataDigest;
    private boolean sqFlowControlDisabled;
    private int maxH2cData;
    private int inCapsuleLimit = CapsulePdu.ADMIN_IN_CAPSULE_LIMIT;
    private ScheduledFuture<?> timeoutScan;
    private ScheduledFuture<?> icRespTimeout;
    private Throwable closeCause;

    // receive state
    private Rx rx = Rx.HEADER;
    private int hdrTarget;
    private CommandSlot rxSlot;
    private int rxDstIndex;
    private int rxRemaining;
    private int rxFlags;
    private int rxDigest;
    private int rxDigestBytes;

    // send batching
    private boolean inRead;
    private boolean flushNeeded;
    private boolean flushScheduled;

    QueueConnection(String name, int qid, int depth, InitiatorConfig config, EventLoop loop, Listener listener) {
        this.name = name;
        this.qid = qid;
        this.config = config;
        this.loop = loop;
        this.listener = listener;
        this.slots = new CommandSlot[depth];
        this.free = new int[depth];
        for (int i = depth - 1; i >= 0; i--) {
            slots[i] = new CommandSlot(i);
            free[freeCount++] = i;
        }
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.commandTimeoutMillis());
    }

    /**
     * Connects, sends ICReq and completes when a valid ICResp arrived. {@code sqFlowControlOff}
     * says whether Connect will ask for CATTR bit 2 (which makes the C2HData SUCCESS flag valid).
     */
    static CompletableFuture<QueueConnection> open(String name, int qid, int depth, InitiatorConfig config,
                                                   EventLoop loop, Class<? extends Channel> channelClass,
                                                   InetSocketAddress address, boolean sqFlowControlOff,
                                                   Listener listener) {
        QueueConnection c = new QueueConnection(name, qid, depth, config, loop, listener);
        c.sqFlowControlDisabled = sqFlowControlOff;
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

    int depth() {
        return slots.length;
    }

    /** Commands in flight (including timed-out ones the target has not answered); loop only. */
    int outstanding() {
        return slots.length - freeCount;
    }

    int maxH2cData() {
        return maxH2cData;
    }

    boolean headerDigest() {
        return headerDigest;
    }

    boolean dataDigest() {
        return dataDigest;
    }

    /** Sets the in-capsule write limit once Identify told it (IOCCSZ); loop or before use. */
    void inCapsuleLimit(int limit) {
        this.inCapsuleLimit = limit;
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
        if (freeCount == 0) {
            callback.onComplete(new NvmeTransportException(name + ": all " + slots.length
                    + " command slots are in use"), 0);
            return;
        }
        CommandSlot s = slots[free[--freeCount]];
        s.generation = (s.generation + 1) & 0xF;
        s.cid = (s.generation << SLOT_BITS) | s.index;
        s.inUse = true;
        s.abandoned = false;
        s.callback = callback;
        s.data = data;
        s.dataIndex = index;
        s.length = length;
        s.direction = direction;
        s.advanceWriter = advanceWriter;
        s.sent = 0;
        s.received = 0;
        s.digestError = false;
        s.deadline = System.nanoTime() + timeoutNanos;
        s.opcode = sqe.getUnsignedByte(Sqe.OPCODE_OFFSET);
        s.fctype = sqe.getUnsignedByte(Sqe.FCTYPE_OFFSET);
        boolean inCapsule = direction == Opcodes.XFER_HOST_TO_CONTROLLER && length > 0
                && length <= inCapsuleLimit;
        s.inCapsule = inCapsule;

        sqe.setShortLE(Sqe.CID_OFFSET, s.cid);
        sqe.setByte(Sqe.FLAGS_OFFSET, (sqe.getUnsignedByte(Sqe.FLAGS_OFFSET) & 0x3F) | 0x40); // PSDT: SGL
        sqe.setLongLE(Sqe.SGL_ADDRESS_OFFSET, 0);
        sqe.setIntLE(Sqe.SGL_LENGTH_OFFSET, length);
        sqe.setByte(Sqe.SGL_IDENTIFIER_OFFSET, inCapsule ? Sqe.SGL_DATA_BLOCK_OFFSET : Sqe.SGL_TRANSPORT_DATA_BLOCK);

        int hd = headerDigest ? CommonHeader.DIGEST_LENGTH : 0;
        int dd = inCapsule && dataDigest ? CommonHeader.DIGEST_LENGTH : 0;
        int headerLength = CapsulePdu.CMD_HEADER_LENGTH + hd;
        int flags = (hd != 0 ? PduFlags.HDGSTF : 0) | (dd != 0 ? PduFlags.DDGSTF : 0);
        ByteBuf h = ctx.alloc().directBuffer(headerLength);
        CommonHeader.write(h, PduType.CAPSULE_CMD, flags, CapsulePdu.CMD_HEADER_LENGTH, inCapsule ? headerLength : 0,
                headerLength + (inCapsule ? length + dd : 0));
        h.writeBytes(sqe, 0, Sqe.LENGTH);
        appendHeaderDigest(h, CapsulePdu.CMD_HEADER_LENGTH);
        ctx.write(h, ctx.voidPromise());
        if (inCapsule) {
            writeData(data, index, length, dd != 0);
            s.sent = length;
        }
        requestFlush();
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

    private void writeData(ByteBuf data, int index, int length, boolean digest) {
        ctx.write(data.retainedSlice(index, length), ctx.voidPromise());
        if (digest) {
            int crc = Crc32c.compute(txCrc, data, index, length);
            ctx.write(ctx.alloc().directBuffer(CommonHeader.DIGEST_LENGTH).writeIntLE(crc), ctx.voidPromise());
        }
    }

    private void appendHeaderDigest(ByteBuf b, int hlen) {
        if (headerDigest) {
            b.writeIntLE(Crc32c.compute(txCrc, b, b.writerIndex() - hlen, hlen));
        }
    }

    private void requestFlush() {
        if (inRead) {
            flushNeeded = true;
        } else if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        if (ctx != null) {
            ctx.flush();
        }
    }

    // ---- lifecycle --------------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ByteBuf ic = ctx.alloc().directBuffer(IcReq.LENGTH);
        int dgst = (config.headerDigest() ? IcReq.DGST_HEADER : 0) | (config.dataDigest() ? IcReq.DGST_DATA : 0);
        IcReq.write(ic, 0, dgst, 0);
        state = State.AWAIT_IC_RESP;
        ctx.writeAndFlush(ic, ctx.voidPromise());
        icRespTimeout = loop.schedule(() -> {
            if (state == State.AWAIT_IC_RESP) {
                fail(name + ": no ICResp within " + config.connectTimeoutMillis() + " ms", null);
            }
        }, config.connectTimeoutMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        boolean wasReady = ready.isDone() && !ready.isCompletedExceptionally();
        state = State.CLOSED;
        cancelTimers();
        String why = closeCause != null ? closeCause.toString() : "closed by the target";
        NvmeTransportException e = new NvmeTransportException(name + ": connection lost (" + why + ")", closeCause);
        ready.completeExceptionally(e);
        failAll(e);
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

    private void cancelTimers() {
        if (timeoutScan != null) {
            timeoutScan.cancel(false);
        }
        if (icRespTimeout != null) {
            icRespTimeout.cancel(false);
        }
    }

    /** Fails every command in flight; callbacks that submit again are refused (state is not READY). */
    private void failAll(NvmeTransportException e) {
        for (CommandSlot s : slots) {
            if (s.inUse) {
                IoCallback cb = s.callback;
                boolean abandoned = s.abandoned;
                release(s);
                if (!abandoned) {
                    notify(cb, e, 0);
                }
            }
        }
    }

    private void release(CommandSlot s) {
        s.inUse = false;
        s.callback = null;
        s.data = null;
        free[freeCount++] = s.index;
    }

    private void notify(IoCallback cb, NvmeException failure, long result) {
        try {
            cb.onComplete(failure, result);
        } catch (RuntimeException | Error e) {
            LOG.warn("{}: completion callback threw", name, e);
        }
    }

    private void scanTimeouts() {
        long now = System.nanoTime();
        for (CommandSlot s : slots) {
            if (s.inUse && !s.abandoned && now - s.deadline > 0) {
                IoCallback cb = s.callback;
                s.abandoned = true;
                s.callback = null;
                s.data = null;
                notify(cb, new NvmeTimeoutException(name + ": " + commandName(s) + " (cid " + s.cid
                        + ") not completed within " + config.commandTimeoutMillis() + " ms"), 0);
            }
        }
    }

    // ---- receive ----------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        inRead = true;
        try {
            while (in.isReadable() && (state == State.READY || state == State.AWAIT_IC_RESP)) {
                switch (rx) {
                    case HEADER -> readHeader(in);
                    case DATA -> readData(in);
                    default -> readDataDigest(in);
                }
            }
        } finally {
            in.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inRead = false;
        if (flushNeeded) {
            flushNeeded = false;
            ctx.flush();
        }
    }

    private void readHeader(ByteBuf in) {
        int target = hdrTarget == 0 ? CommonHeader.LENGTH : hdrTarget;
        int n = Math.min(target - hdr.writerIndex(), in.readableBytes());
        hdr.writeBytes(in, n);
        if (hdr.writerIndex() < target) {
            return;
        }
        if (hdrTarget == 0) {
            hdrTarget = checkCommonHeader();
            if (hdrTarget > 0 && hdr.writerIndex() == hdrTarget) {
                onHeader();
            }
        } else {
            onHeader();
        }
    }

    /**
     * Validates the common header; returns how many header bytes to collect (through PDO for data
     * PDUs, the whole PDU otherwise), or -1 after a fatal error.
     */
    private int checkCommonHeader() {
        int type = CommonHeader.type(hdr, 0);
        int flags = CommonHeader.flags(hdr, 0);
        int hlen = CommonHeader.hlen(hdr, 0);
        int pdo = CommonHeader.pdo(hdr, 0);
        long plen = CommonHeader.plen(hdr, 0);
        if (type != PduType.IC_RESP && type != PduType.C2H_TERM_REQ && type != PduType.CAPSULE_RESP
                && type != PduType.C2H_DATA && type != PduType.R2T) {
            return fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.TYPE_OFFSET,
                    "PDU type " + type + " is not one a controller may send");
        }
        if (type != PduType.C2H_TERM_REQ && (state == State.AWAIT_IC_RESP) != (type == PduType.IC_RESP)) {
            return fatal(TermReq.FES_PDU_SEQUENCE_ERROR, CommonHeader.TYPE_OFFSET,
                    PduType.name(type) + " in state " + state);
        }
        if (hlen != PduType.headerLength(type)) {
            return fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.HLEN_OFFSET,
                    PduType.name(type) + " with HLEN " + hlen);
        }
        if (type == PduType.IC_RESP) {
            return plen == IcResp.LENGTH ? IcResp.LENGTH
                    : fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.PLEN_OFFSET, "ICResp with PLEN " + plen);
        }
        if (type == PduType.C2H_TERM_REQ) {
            return plen >= TermReq.HEADER_LENGTH && plen <= TermReq.HEADER_LENGTH + TermReq.MAX_ERROR_DATA
                    ? (int) plen
                    : fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.PLEN_OFFSET, "C2HTermReq with PLEN " + plen);
        }
        int hd = headerDigest ? CommonHeader.DIGEST_LENGTH : 0;
        if (((flags & PduFlags.HDGSTF) != 0) != headerDigest) {
            return fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.FLAGS_OFFSET,
                    PduType.name(type) + (headerDigest ? " without" : " with") + " a header digest");
        }
        if (type != PduType.C2H_DATA) {
            return plen == hlen + hd ? hlen + hd
                    : fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.PLEN_OFFSET,
                    PduType.name(type) + " with PLEN " + plen);
        }
        int dd = dataDigest ? CommonHeader.DIGEST_LENGTH : 0;
        if (((flags & PduFlags.DDGSTF) != 0) != dataDigest) {
            return fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.FLAGS_OFFSET,
                    "C2HData" + (dataDigest ? " without" : " with") + " a data digest");
        }
        if (pdo < hlen + hd || pdo % 4 != 0) {
            return fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.PDO_OFFSET, "C2HData with PDO " + pdo);
        }
        if (plen <= pdo + dd) {
            return fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.PLEN_OFFSET, "C2HData with no data");
        }
        return pdo;
    }

    private void onHeader() {
        int type = CommonHeader.type(hdr, 0);
        int hlen = CommonHeader.hlen(hdr, 0);
        if (headerDigest && type != PduType.IC_RESP && type != PduType.C2H_TERM_REQ
                && hdr.getIntLE(hlen) != Crc32c.compute(rxCrc, hdr, 0, hlen)) {
            fatal(TermReq.FES_HEADER_DIGEST_ERROR, 0, PduType.name(type) + " with a wrong header digest");
            return;
        }
        switch (type) {
            case PduType.IC_RESP -> onIcResp();
            case PduType.CAPSULE_RESP -> onCapsuleResp();
            case PduType.R2T -> onR2t();
            case PduType.C2H_DATA -> {
                onC2hData();
                return; // the header is kept until the data is in
            }
            default -> onTermReq();
        }
        resetHeader();
    }

    private void resetHeader() {
        if (state == State.READY || state == State.AWAIT_IC_RESP) {
            hdr.clear();
            hdrTarget = 0;
            rx = Rx.HEADER;
        }
    }

    private void onIcResp() {
        if (IcResp.pfv(hdr, 0) != 0) {
            fatal(TermReq.FES_UNSUPPORTED_PARAMETER, IcResp.PFV_OFFSET, "ICResp with PFV " + IcResp.pfv(hdr, 0));
            return;
        }
        if (IcResp.cpda(hdr, 0) != 0) {
            fatal(TermReq.FES_UNSUPPORTED_PARAMETER, IcResp.CPDA_OFFSET,
                    "ICResp with CPDA " + IcResp.cpda(hdr, 0) + " (only 0 is supported)");
            return;
        }
        int asked = (config.headerDigest() ? IcReq.DGST_HEADER : 0) | (config.dataDigest() ? IcReq.DGST_DATA : 0);
        int dgst = IcResp.dgst(hdr, 0);
        if (dgst != asked) {
            fatal(TermReq.FES_UNSUPPORTED_PARAMETER, IcResp.DGST_OFFSET,
                    "ICResp digests " + dgst + " differ from the " + asked + " asked for");
            return;
        }
        long maxh2c = IcResp.maxh2cdata(hdr, 0);
        if (maxh2c % 4 != 0 || maxh2c < 4096 || maxh2c > Integer.MAX_VALUE) {
            fatal(TermReq.FES_UNSUPPORTED_PARAMETER, IcResp.MAXH2CDATA_OFFSET, "ICResp with MAXH2CDATA " + maxh2c);
            return;
        }
        headerDigest = (dgst & IcReq.DGST_HEADER) != 0;
        dataDigest = (dgst & IcReq.DGST_DATA) != 0;
        maxH2cData = (int) maxh2c;
        state = State.READY;
        icRespTimeout.cancel(false);
        long period = Math.clamp(config.commandTimeoutMillis() / 4, 10, 1000);
        timeoutScan = loop.scheduleAtFixedRate(this::scanTimeouts, period, period, TimeUnit.MILLISECONDS);
        ready.complete(this);
    }

    private void onTermReq() {
        int fes = TermReq.fes(hdr, 0);
        long fei = TermReq.fei(hdr, 0);
        LOG.warn("{}: target terminated the connection: FES {} FEI {}", name, fes, fei);
        state = State.TERMINATED;
        closeCause = new NvmeTransportException("C2HTermReq FES " + fes + " FEI " + fei);
        ctx.close();
    }

    /** The in-flight command a controller PDU names, or null after a fatal error. */
    private CommandSlot lookup(int cid, int fei, String what) {
        int i = cid & SLOT_MASK;
        CommandSlot s = i < slots.length ? slots[i] : null;
        if (s == null || !s.inUse || s.cid != cid) {
            fatal(TermReq.FES_INVALID_HEADER_FIELD, fei, what + " for unknown command id " + cid);
            return null;
        }
        return s;
    }

    private void onCapsuleResp() {
        int base = CapsulePdu.ENTRY_OFFSET;
        CommandSlot s = lookup(Cqe.cid(hdr, base), base + Cqe.CID_OFFSET, "CapsuleResp");
        if (s == null) {
            return;
        }
        complete(s, Cqe.status(hdr, base), Cqe.result(hdr, base));
    }

    private void complete(CommandSlot s, int status, long result) {
        IoCallback cb = s.callback;
        if (s.abandoned) {
            release(s);
            return;
        }
        NvmeException failure = null;
        if (!Status.isSuccess(status)) {
            failure = new NvmeStatusException(name + ": " + commandName(s), status);
        } else if (s.digestError) {
            failure = new NvmeTransportException(name + ": " + commandName(s) + " data digest mismatch");
        } else if (s.direction == Opcodes.XFER_CONTROLLER_TO_HOST && s.received != s.length) {
            failure = new NvmeTransportException(name + ": " + commandName(s) + " completed with " + s.received
                    + " of " + s.length + " bytes");
        } else if (s.advanceWriter) {
            s.data.writerIndex(s.dataIndex + s.length);
        }
        release(s);
        notify(cb, failure, result);
    }

    private void onR2t() {
        CommandSlot s = lookup(R2t.cccid(hdr, 0), R2t.CCCID_OFFSET, "R2T");
        if (s == null) {
            return;
        }
        long r2to = R2t.r2to(hdr, 0);
        long r2tl = R2t.r2tl(hdr, 0);
        if (s.direction != Opcodes.XFER_HOST_TO_CONTROLLER || s.inCapsule || s.abandoned) {
            fatal(TermReq.FES_PDU_SEQUENCE_ERROR, R2t.CCCID_OFFSET, "R2T for a command with no data to solicit");
            return;
        }
        if (r2tl == 0) {
            fatal(TermReq.FES_INVALID_HEADER_FIELD, R2t.R2TL_OFFSET, "R2T with length 0");
            return;
        }
        if (r2to != s.sent) {
            fatal(TermReq.FES_DATA_OUT_OF_RANGE, R2t.R2TO_OFFSET, "R2T offset " + r2to + ", expected " + s.sent);
            return;
        }
        if (r2to + r2tl > s.length) {
            fatal(TermReq.FES_DATA_OUT_OF_RANGE, R2t.R2TL_OFFSET, "R2T for bytes " + r2to + ".." + (r2to + r2tl)
                    + " beyond the " + s.length + "-byte transfer");
            return;
        }
        int ttag = R2t.ttag(hdr, 0);
        int hd = headerDigest ? CommonHeader.DIGEST_LENGTH : 0;
        int dd = dataDigest ? CommonHeader.DIGEST_LENGTH : 0;
        int end = (int) (r2to + r2tl);
        for (int off = (int) r2to; off < end; ) {
            int n = Math.min(maxH2cData, end - off);
            boolean last = off + n == end;
            int flags = (last ? PduFlags.LAST_PDU : 0) | (hd != 0 ? PduFlags.HDGSTF : 0) | (dd != 0 ? PduFlags.DDGSTF : 0);
            int pdo = DataPdu.HEADER_LENGTH + hd;
            ByteBuf h = ctx.alloc().directBuffer(pdo);
            DataPdu.writeHeader(h, PduType.H2C_DATA, flags, pdo, pdo + n + dd, s.cid, ttag, off, n);
            appendHeaderDigest(h, DataPdu.HEADER_LENGTH);
            ctx.write(h, ctx.voidPromise());
            writeData(s.data, s.dataIndex + off, n, dd != 0);
            off += n;
        }
        s.sent = end;
        requestFlush();
    }

    private void onC2hData() {
        CommandSlot s = lookup(DataPdu.cccid(hdr, 0), DataPdu.CCCID_OFFSET, "C2HData");
        if (s == null) {
            return;
        }
        int flags = CommonHeader.flags(hdr, 0);
        long plen = CommonHeader.plen(hdr, 0);
        int pdo = CommonHeader.pdo(hdr, 0);
        long datao = DataPdu.datao(hdr, 0);
        long datal = DataPdu.datal(hdr, 0);
        long expected = plen - pdo - (dataDigest ? CommonHeader.DIGEST_LENGTH : 0);
        if (s.direction != Opcodes.XFER_CONTROLLER_TO_HOST) {
            fatal(TermReq.FES_PDU_SEQUENCE_ERROR, DataPdu.CCCID_OFFSET, "C2HData for a command that reads no data");
            return;
        }
        if (datal != expected) {
            fatal(TermReq.FES_INVALID_HEADER_FIELD, DataPdu.DATAL_OFFSET, "C2HData DATAL " + datal
                    + " but PLEN leaves " + expected);
            return;
        }
        if (datao != s.received) {
            fatal(TermReq.FES_DATA_OUT_OF_RANGE, DataPdu.DATAO_OFFSET, "C2HData at offset " + datao
                    + ", expected " + s.received);
            return;
        }
        if (datao + datal > s.length) {
            fatal(TermReq.FES_DATA_OUT_OF_RANGE, DataPdu.DATAL_OFFSET, "C2HData for bytes " + datao + ".."
                    + (datao + datal) + " beyond the " + s.length + "-byte transfer");
            return;
        }
        if ((flags & PduFlags.SUCCESS) != 0) {
            if ((flags & PduFlags.LAST_PDU) == 0) {
                fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.FLAGS_OFFSET, "C2HData SUCCESS without LAST_PDU");
                return;
            }
            if (!sqFlowControlDisabled) {
                fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.FLAGS_OFFSET,
                        "C2HData SUCCESS on a queue with SQ flow control");
                return;
            }
            if (datao + datal != s.length) {
                fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.FLAGS_OFFSET,
                        "C2HData SUCCESS before the whole transfer");
                return;
            }
        }
        rxSlot = s;
        rxFlags = flags;
        rxDstIndex = s.dataIndex + (int) datao;
        rxRemaining = (int) datal;
        s.received += (int) datal;
        rxCrc.reset();
        rx = Rx.DATA;
    }

    private void readData(ByteBuf in) {
        int n = Math.min(rxRemaining, in.readableBytes());
        int at = in.readerIndex();
        CommandSlot s = rxSlot;
        if (!s.abandoned) {
            s.data.setBytes(rxDstIndex, in, at, n);
        }
        if (dataDigest) {
            Crc32c.update(rxCrc, in, at, n);
        }
        in.skipBytes(n);
        rxDstIndex += n;
        rxRemaining -= n;
        if (rxRemaining == 0) {
            if (dataDigest) {
                rx = Rx.DATA_DIGEST;
                rxDigest = 0;
                rxDigestBytes = 0;
            } else {
                dataDone(true);
            }
        }
    }

    private void readDataDigest(ByteBuf in) {
        while (rxDigestBytes < CommonHeader.DIGEST_LENGTH && in.isReadable()) {
            rxDigest |= in.readUnsignedByte() << (8 * rxDigestBytes++);
        }
        if (rxDigestBytes == CommonHeader.DIGEST_LENGTH) {
            dataDone(rxDigest == (int) rxCrc.getValue());
        }
    }

    private void dataDone(boolean digestOk) {
        CommandSlot s = rxSlot;
        rxSlot = null;
        if (!digestOk) {
            // As Linux: the command fails, the stream is intact.
            LOG.warn("{}: data digest mismatch on C2HData for cid {}", name, s.cid);
            s.digestError = true;
        }
        resetHeader();
        if ((rxFlags & PduFlags.SUCCESS) != 0 && s.inUse) {
            complete(s, Status.SUCCESS, 0);
        }
    }

    // ---- fatal errors -----------------------------------------------------------------------

    /** Ends the connection after a protocol violation by the target: H2CTermReq, then close. */
    private int fatal(int fes, int fei, String message) {
        if (state == State.TERMINATED || state == State.CLOSED) {
            return -1;
        }
        LOG.warn("{}: fatal transport error: {}; terminating the connection", name, message);
        int n = Math.min(hdr.writerIndex(), TermReq.MAX_ERROR_DATA);
        ByteBuf term = ctx.alloc().directBuffer(TermReq.HEADER_LENGTH + n);
        TermReq.write(term, PduType.H2C_TERM_REQ, fes, fei, hdr, 0, n);
        ctx.writeAndFlush(term);
        fail(name + ": protocol error from target: " + message, null);
        return -1;
    }

    private void fail(String message, Throwable cause) {
        if (state == State.TERMINATED || state == State.CLOSED) {
            return;
        }
        state = State.TERMINATED;
        closeCause = new NvmeTransportException(message, cause);
        NvmeTransportException e = (NvmeTransportException) closeCause;
        ready.completeExceptionally(e);
        failAll(e);
        ctx.close();
    }

    private String commandName(CommandSlot s) {
        if (s.opcode == Opcodes.FABRICS) {
            return switch (s.fctype) {
                case Opcodes.FCTYPE_CONNECT -> "Connect";
                case Opcodes.FCTYPE_PROPERTY_GET -> "Property Get";
                case Opcodes.FCTYPE_PROPERTY_SET -> "Property Set";
                default -> "Fabrics " + s.fctype;
            };
        }
        if (qid == 0) {
            return switch (s.opcode) {
                case Opcodes.ADMIN_IDENTIFY -> "Identify";
                case Opcodes.ADMIN_GET_LOG_PAGE -> "Get Log Page";
                case Opcodes.ADMIN_SET_FEATURES -> "Set Features";
                case Opcodes.ADMIN_GET_FEATURES -> "Get Features";
                case Opcodes.ADMIN_KEEP_ALIVE -> "Keep Alive";
                default -> String.format("admin opcode 0x%02x", s.opcode);
            };
        }
        return switch (s.opcode) {
            case Opcodes.IO_READ -> "Read";
            case Opcodes.IO_WRITE -> "Write";
            case Opcodes.IO_FLUSH -> "Flush";
            case Opcodes.IO_WRITE_ZEROES -> "Write Zeroes";
            case Opcodes.IO_DATASET_MANAGEMENT -> "Dataset Management";
            default -> String.format("I/O opcode 0x%02x", s.opcode);
        };
    }
}
