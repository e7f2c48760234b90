package io.basalt.nvmet.transport;

import io.basalt.netty.Handoffs;
import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Sqe;
import io.basalt.nvme.Status;
import io.basalt.nvme.tcp.CapsulePdu;
import io.basalt.nvme.tcp.CommonHeader;
import io.basalt.nvme.tcp.Crc32c;
import io.basalt.nvme.tcp.DataPdu;
import io.basalt.nvme.tcp.IcReq;
import io.basalt.nvme.tcp.PduType;
import io.basalt.nvme.tcp.TermReq;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.controller.PortInfo;
import io.basalt.nvmet.controller.ProtocolLimits;
import io.basalt.nvmet.controller.Queue;
import io.basalt.nvmet.core.Commands;
import io.basalt.nvmet.core.Request;
import io.basalt.nvmet.core.Transport;
import io.basalt.nvmet.dispatch.CommandDispatcher;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.zip.CRC32C;

/**
 * One NVMe/TCP connection, which is one NVMe queue: the PDU receive state machine and the
 * transport side of each request's life (capsule, R2T and H2CData, completion). The requests live
 * in a {@link RequestPool}; what is sent goes through the {@link PduWriter}. Everything here runs
 * on the connection's event loop.
 *
 * <p>A PDU is handled once it is whole; its header is checked before waiting for the rest, so a
 * hostile PLEN is refused before anything is buffered for it. The {@link PduFramer} hands on a PDU
 * in the buffer it was read into, so write data (in-capsule, or one H2CData PDU carrying the whole
 * transfer) goes to the store as a retained slice of that buffer, not a copy; only data that spans
 * reads or several H2CData PDUs is copied into a buffer of the request's own.
 */
public final class ConnectionHandler extends ChannelInboundHandlerAdapter implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    /** The connection's receive states. */
    enum State {
        /** Connected; only an ICReq (or a host's TermReq) is valid. */
        AWAIT_IC_REQ,
        /** Initialized: command capsules and H2CData for solicited transfers. */
        READY,
        /** A fatal error was reported with a C2HTermReq, or the connection closed; input is dropped. */
        TERMINATED
    }

    private static final Commands DISPATCHER = new CommandDispatcher();

    private final ProtocolLimits config;
    private final TransportErrors errors;
    private final Queue queue;
    private final CRC32C crc = new CRC32C();
    private final RequestPool pool;
    private final PduWriter writer;
    private final PduHeaderCheck headerCheck;
    private PduFramer framer;
    /** The event loop's count of completions it awaits from stores on other threads. */
    private Handoffs handoffs;
    private ChannelHandlerContext ctx;
    private State state = State.AWAIT_IC_REQ;
    /** Digests the host asked for in its ICReq: checked on every PDU received (the writer adds them). */
    private boolean headerDigest;
    private boolean dataDigest;

    public ConnectionHandler(ControllerRegistry controllers, PortInfo port, TransportErrors errors) {
        this.config = controllers.config();
        this.errors = errors;
        this.queue = new Queue(this, controllers, port);
        this.writer = new PduWriter(queue);
        this.headerCheck = new PduHeaderCheck(config);
        // Enough for Connect; grown to the queue size the host asks for once it is connected.
        this.pool = new RequestPool(this, 2);
    }

    // ---- core.Transport --------------------------------------------------------------------

    @Override
    public Queue queue() {
        return queue;
    }

    @Override
    public ByteBuf allocateData(int capacity) {
        return ctx.alloc().directBuffer(capacity, capacity);
    }

    @Override
    public boolean inOwnerThread() {
        return ctx.executor().inEventLoop();
    }

    @Override
    public void execute(Runnable task) {
        try {
            ctx.executor().execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("event loop gone; dropping a completion");
        }
    }

    @Override
    public void completionAwaited() {
        handoffs.handedOff();
    }

    @Override
    public void completionReturned() {
        handoffs.returned();
    }

    @Override
    public ScheduledExecutorService executor() {
        return ctx.channel().eventLoop();
    }

    @Override
    public void completeLater(Request req) {
        execute(() -> {
            if (state != State.TERMINATED && req.inUse() && ctx.channel().isActive()) {
                complete(req, Status.SUCCESS);
            }
        });
    }

    @Override
    public void close(String reason) {
        execute(() -> {
            LOG.debug("closing queue {} of {}: {}", queue.qid(), queue.controller(), reason);
            writer.flush();
            ctx.close();
        });
    }

    @Override
    public SocketAddress localAddress() {
        return ctx.channel().localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return ctx.channel().remoteAddress();
    }

    @Override
    public boolean mayLogError(String reason) {
        return errors.mayLogError(remoteAddress(), reason);
    }

    @Override
    public boolean mayLogLifecycle(String reason) {
        return errors.mayLogLifecycle(remoteAddress(), reason);
    }

    // ---- channel lifecycle -----------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.handoffs = Handoffs.ofThisThread();
        this.framer = new PduFramer(new Input(), ctx.alloc());
        writer.attach(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        framer.release();
        writer.release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        state = State.TERMINATED;
        queue.closed();
        pool.releaseAllButStore();
        framer.release();
        writer.release();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (mayLogError("connection failed")) {
            // A socket error (a host resetting the connection) needs no stack trace; anything else does.
            if (cause instanceof java.io.IOException) {
                LOG.warn("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            } else {
                LOG.warn("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString(), cause);
            }
        }
        state = State.TERMINATED;
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        writer.readComplete();
        super.channelReadComplete(ctx);
    }

    // ---- receive ---------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        writer.readStarted();
        framer.receive((ByteBuf) msg);
    }

    /** What the framer hands on: this connection's header check and PDU handling, kept off its public face. */
    private final class Input implements PduFramer.Sink {
        @Override
        public boolean receiving() {
            return state != State.TERMINATED;
        }

        @Override
        public long checkHeader(ByteBuf in, int base) {
            long plen = headerCheck.check(in, base, state == State.AWAIT_IC_REQ, headerDigest, dataDigest);
            return plen < 0 ? fatal(headerCheck.fes(), headerCheck.fei(), in, base) : plen;
        }

        @Override
        public void pdu(ByteBuf in, int base, int plen) {
            handlePdu(in, base, plen);
        }
    }

    private void handlePdu(ByteBuf in, int base, int plen) {
        int type = CommonHeader.type(in, base);
        int hlen = CommonHeader.hlen(in, base);
        int hd = PduHeaderCheck.digestLength(type, headerDigest);
        if (hd != 0) {
            int expected = Crc32c.compute(crc, in, base, hlen);
            if (in.getIntLE(base + hlen) != expected) {
                fatal(TermReq.FES_HEADER_DIGEST_ERROR, 0, in, base);
                return;
            }
        }
        int dataOffset = base + hlen + hd;
        int dataLength = plen - hlen - hd;
        if (dataLength > 0 && dataDigest && (type == PduType.CAPSULE_CMD || type == PduType.H2C_DATA)) {
            dataLength -= CommonHeader.DIGEST_LENGTH;
        }
        switch (type) {
            case PduType.IC_REQ -> onIcReq(in, base);
            case PduType.CAPSULE_CMD -> onCapsule(in, base, dataOffset, dataLength);
            case PduType.H2C_DATA -> onH2cData(in, base, dataOffset, dataLength);
            default -> onTermReq(in, base);
        }
    }

    private void onIcReq(ByteBuf in, int base) {
        if (IcReq.pfv(in, base) != 0) {
            fatal(TermReq.FES_UNSUPPORTED_PARAMETER, IcReq.PFV_OFFSET, in, base);
            return;
        }
        int hpda = IcReq.hpda(in, base);
        if (hpda > IcReq.HPDA_MAX) {
            fatal(TermReq.FES_UNSUPPORTED_PARAMETER, IcReq.HPDA_OFFSET, in, base);
            return;
        }
        int dgst = IcReq.dgst(in, base) & (IcReq.DGST_HEADER | IcReq.DGST_DATA);
        headerDigest = (dgst & IcReq.DGST_HEADER) != 0;
        dataDigest = (dgst & IcReq.DGST_DATA) != 0;
        writer.icResp(dgst, config.maxH2cData(), headerDigest, dataDigest, (hpda + 1) * 4);
        state = State.READY;
    }

    private void onTermReq(ByteBuf in, int base) {
        if (mayLogError("host terminated the connection")) {
            LOG.info("host {} terminated the connection: FES {} FEI {}", ctx.channel().remoteAddress(),
                    TermReq.fes(in, base), TermReq.fei(in, base));
        }
        state = State.TERMINATED;
        ctx.close();
    }

    private void onCapsule(ByteBuf in, int base, int dataOffset, int dataLength) {
        Request req = pool.acquire();
        if (req == null) {
            // The host has more commands outstanding than the queue size it asked for.
            fatal(TermReq.FES_PDU_SEQUENCE_ERROR, 0, in, base);
            return;
        }
        req.init(in, base + CapsulePdu.ENTRY_OFFSET);
        int status = Status.SUCCESS;
        if (dataLength > 0) {
            status = takeInCapsuleData(req, in, dataOffset, dataLength);
        }
        if (status == Status.SUCCESS) {
            status = DISPATCHER.prepare(req);
        }
        if (status != Status.SUCCESS) {
            complete(req, status);
            return;
        }
        if (req.writesData() && dataLength == 0) {
            solicitData(req);
            return;
        }
        if (req.direction() == Opcodes.XFER_CONTROLLER_TO_HOST && req.sglLength() > 0
                && Sqe.sglIdentifier(req.sqe(), 0) != Sqe.SGL_TRANSPORT_DATA_BLOCK) {
            complete(req, Status.SGL_INVALID_TYPE | Status.DNR);
            return;
        }
        execute(req);
    }

    /** Checks in-capsule data and attaches it, a slice of the received buffer; returns a status for the command. */
    private int takeInCapsuleData(Request req, ByteBuf in, int dataOffset, int dataLength) {
        int limit = queue.connected() && !queue.isAdmin() ? config.inCapsuleDataSize() : CapsulePdu.ADMIN_IN_CAPSULE_LIMIT;
        ByteBuf sqe = req.sqe();
        if (req.direction() != Opcodes.XFER_HOST_TO_CONTROLLER) {
            return Status.INVALID_FIELD | Status.DNR;
        }
        if (Sqe.sglIdentifier(sqe, 0) != Sqe.SGL_DATA_BLOCK_OFFSET || Sqe.sglAddress(sqe, 0) != 0) {
            return Status.SGL_INVALID_OFFSET | Status.DNR;
        }
        if (dataLength > limit || req.sglLength() != dataLength) {
            return Status.SGL_INVALID_DATA_LENGTH | Status.DNR;
        }
        if (dataDigest && !dataDigestMatches(in, dataOffset, dataLength)) {
            return Status.TRANSIENT_TRANSPORT_ERROR;
        }
        req.attachData(in.retainedSlice(dataOffset, dataLength));
        req.addReceived(dataLength);
        return Status.SUCCESS;
    }

    private boolean dataDigestMatches(ByteBuf in, int dataOffset, int dataLength) {
        return in.getIntLE(dataOffset + dataLength) == Crc32c.compute(crc, in, dataOffset, dataLength);
    }

    /** Asks the host for a command's data with one R2T covering all of it. */
    private void solicitData(Request req) {
        if (Sqe.sglIdentifier(req.sqe(), 0) != Sqe.SGL_TRANSPORT_DATA_BLOCK) {
            complete(req, Status.SGL_INVALID_TYPE | Status.DNR);
            return;
        }
        if (req.sglLength() > config.maxTransferSize()) {
            complete(req, Status.INVALID_FIELD | Status.DNR);
            return;
        }
        int length = (int) req.sglLength();
        // No buffer yet: data that arrives in one H2CData PDU is kept as a slice of what was read.
        req.enter(Request.State.AWAITING_DATA);
        writer.r2t(req.cid(), req.tag(), length);
    }

    private void onH2cData(ByteBuf in, int base, int dataOffset, int dataLength) {
        int ttag = DataPdu.ttag(in, base);
        Request req = pool.byTag(ttag);
        if (req == null || req.state() != Request.State.AWAITING_DATA) {
            fatal(TermReq.FES_INVALID_HEADER_FIELD, DataPdu.TTAG_OFFSET, in, base);
            return;
        }
        long datao = DataPdu.datao(in, base);
        long datal = DataPdu.datal(in, base);
        if (datao != req.received()) {
            fatal(TermReq.FES_DATA_OUT_OF_RANGE, DataPdu.DATAO_OFFSET, in, base);
            return;
        }
        if (datal != dataLength) {
            fatal(TermReq.FES_INVALID_HEADER_FIELD, DataPdu.DATAL_OFFSET, in, base);
            return;
        }
        if (datal > config.maxH2cData()) {
            fatal(TermReq.FES_DATA_LIMIT_EXCEEDED, DataPdu.DATAL_OFFSET, in, base);
            return;
        }
        if (datao + datal > req.sglLength()) {
            fatal(TermReq.FES_DATA_OUT_OF_RANGE, DataPdu.DATAL_OFFSET, in, base);
            return;
        }
        if (dataDigest && !dataDigestMatches(in, dataOffset, dataLength)) {
            // The command fails, but the stream is intact: finish receiving, then report.
            req.failTransfer(Status.TRANSIENT_TRANSPORT_ERROR);
        }
        takeH2cData(req, in, dataOffset, dataLength);
        if (req.received() == req.sglLength()) {
            if (req.transferFailure() != Status.SUCCESS) {
                complete(req, req.transferFailure());
            } else {
                execute(req);
            }
        }
    }

    /** Keeps the whole transfer as a slice of the received buffer, or gathers its parts in a copy. */
    private void takeH2cData(Request req, ByteBuf in, int dataOffset, int dataLength) {
        if (dataLength == req.sglLength()) {
            req.attachData(in.retainedSlice(dataOffset, dataLength));
        } else {
            if (req.data() == null) {
                int length = (int) req.sglLength();
                req.attachData(ctx.alloc().directBuffer(length, length));
            }
            req.data().writeBytes(in, dataOffset, dataLength);
        }
        req.addReceived(dataLength);
    }

    // ---- execute and complete --------------------------------------------------------------

    private void execute(Request req) {
        int status = req.execute();
        if (queue.connected() && pool.size() < queue.size()) {
            pool.grow(queue.size());
        }
        if (status != Request.PENDING) {
            complete(req, status);
        }
    }

    /** Called on the event loop when a block operation completes. */
    @Override
    public void blockOpDone(Request req, int ioStatus) {
        if (state == State.TERMINATED || !ctx.channel().isActive()) {
            pool.release(req);
            return;
        }
        complete(req, req.blockOpDone(ioStatus));
    }

    @Override
    public ByteBuf allocateReadBuffer(int length) {
        return writer.allocateReadBuffer(length);
    }

    /** Sends the command's data (if any) and completion, then frees the request: its one exit. */
    void complete(Request req, int status) {
        writer.completion(req, status);
        pool.release(req);
        writer.requestFlush();
    }

    /**
     * Reports a fatal transport error: a C2HTermReq naming the field, then the connection closes.
     * It is counted by reason; the log line is rate-limited, as a host can cause any number of them.
     * Always returns -1 so header checks can return it.
     */
    private long fatal(int fes, int fei, ByteBuf in, int base) {
        TransportErrors.Reason reason = errors.countFatal(fes, ctx.channel().remoteAddress());
        if (reason != null) {
            LOG.warn("fatal transport error from {}: {} (FES {}) at offset {} of a {} PDU; closing the connection",
                    ctx.channel().remoteAddress(), reason.description(), fes, fei,
                    PduType.name(CommonHeader.type(in, base)));
        }
        state = State.TERMINATED;
        writer.termReqAndClose(fes, fei, in, base);
        return -1;
    }
}
