package io.basalt.replication.server;

import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;
import io.basalt.block.IoStatus;
import io.basalt.replication.ReplicaVolume;
import io.basalt.replication.ReplicaVolumes;
import io.basalt.replication.wire.Hello;
import io.basalt.replication.wire.ProtocolException;
import io.basalt.replication.wire.RequestDecoder;
import io.basalt.replication.wire.RequestFrame;
import io.basalt.replication.wire.RequestHeader;
import io.basalt.replication.wire.ResponseHeader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

/**
 * One primary's connection to this brick, replica side. Each request goes through one life:
 * looked up (unknown volume: error), fenced (an older epoch: {@code PATH_UNAVAILABLE}, the store
 * untouched), checked against the store's geometry, then submitted as a pooled {@link ReplicaOp}
 * and answered by id when the store completes it — in whatever order the store does.
 *
 * <p>Everything here runs on the connection's event loop; completions from a store's own threads
 * hop back to it. Answers written outside a read burst are flushed once per burst of completions
 * (one queued flush task), inside one by {@code channelReadComplete}.
 *
 * <p>Back-pressure: past {@code maxInFlight} requests in the store, the connection stops reading
 * until half have been answered. Frames already received are still decoded, so the op pool may
 * grow past the cap by one read's worth; after that it allocates nothing.
 */
final class ServerConnection extends ChannelInboundHandlerAdapter implements RequestDecoder.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);

    private final ReplicaVolumes volumes;
    private final int maxInFlight;
    private final ConnectionRegistry registry;
    private final UuidCache uuids = new UuidCache();
    private final ArrayDeque<ReplicaOp> free;
    private final Runnable flushTask = this::flushPending;
    private ChannelHandlerContext ctx;
    private EventLoop loop;
    // Written only on the event loop; read by the server's close() while it waits for the store.
    private volatile int inFlight;
    private boolean active;
    private boolean reading;
    private boolean flushPending;
    private boolean unknownVolumeLogged;

    /** Where a server keeps its connections, to close them and wait for their stores. */
    interface ConnectionRegistry {
        void add(ServerConnection connection);

        void remove(ServerConnection connection);
    }

    ServerConnection(ReplicaVolumes volumes, int maxInFlight, ConnectionRegistry registry) {
        this.volumes = volumes;
        this.maxInFlight = maxInFlight;
        this.registry = registry;
        this.free = new ArrayDeque<>(maxInFlight);
        for (int i = 0; i < maxInFlight; i++) {
            free.push(new ReplicaOp(this));
        }
    }

    int inFlight() {
        return inFlight;
    }

    void close() {
        if (ctx != null) {
            ctx.channel().close();
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.loop = ctx.channel().eventLoop();
        registry.add(this);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        active = true;
        ByteBuf hello = ctx.alloc().buffer(Hello.LENGTH);
        Hello.write(hello);
        ctx.writeAndFlush(hello, ctx.voidPromise());
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        active = false;
        if (inFlight == 0) {
            registry.remove(this);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        flushPending();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ProtocolException) {
            LOG.warn("replication connection from {}: {}; closing it", ctx.channel().remoteAddress(), cause.getMessage());
        } else if (cause instanceof IOException) {
            LOG.debug("replication connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.warn("replication connection from {} failed; closing it", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    // ---- one request: find, fence, check, submit -------------------------------------------

    @Override
    public void request(RequestFrame frame, ByteBuf payload) {
        reading = true;
        ReplicaVolume volume = volumes.find(uuids.get(frame.volumeMsb(), frame.volumeLsb()));
        if (volume == null) {
            logUnknownVolume(frame);
            refuse(frame, payload, IoStatus.INTERNAL_ERROR);
            return;
        }
        if (!volume.fence().admit(frame.epoch())) {
            refuse(frame, payload, IoStatus.PATH_UNAVAILABLE);
            return;
        }
        BlockStore store = volume.store();
        if (!RequestChecks.fits(store, frame, payload)) {
            refuse(frame, payload, IoStatus.INTERNAL_ERROR);
            return;
        }
        ReplicaOp op = free.isEmpty() ? new ReplicaOp(this) : free.pop();
        ByteBuf buffer = payload;
        if (frame.op() == RequestHeader.OP_READ) {
            // The answer's header goes in front of the data: the store reads behind it, one write sends both.
            buffer = ctx.alloc().buffer(ResponseHeader.LENGTH + frame.length());
            buffer.writerIndex(ResponseHeader.LENGTH);
        }
        op.start(frame.id(), frame.op(), frame.offset(), frame.length(), frame.fua(), buffer);
        inFlight++;
        if (inFlight >= maxInFlight && ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
        }
        try {
            store.submit(op);
        } catch (RuntimeException e) {
            if (op.completeIfPending(IoStatus.INTERNAL_ERROR)) {
                LOG.error("replica store of volume {} threw on op {}", uuids.get(frame.volumeMsb(), frame.volumeLsb()),
                        frame.op(), e);
            }
        }
    }

    private void refuse(RequestFrame frame, ByteBuf payload, int status) {
        if (payload != null) {
            payload.release();
        }
        send(header(frame.id(), status));
    }

    private void logUnknownVolume(RequestFrame frame) {
        if (!unknownVolumeLogged) {
            unknownVolumeLogged = true;
            LOG.warn("replication connection from {}: no replica of volume {} on this brick (further ones at debug)",
                    ctx.channel().remoteAddress(), uuids.get(frame.volumeMsb(), frame.volumeLsb()));
        } else {
            LOG.debug("no replica of volume {}", uuids.get(frame.volumeMsb(), frame.volumeLsb()));
        }
    }

    // ---- completion: hop home, answer, free ------------------------------------------------

    /** Called by the op on whatever thread the store completed it. */
    void completed(ReplicaOp op) {
        if (loop.inEventLoop()) {
            answer(op);
        } else {
            try {
                loop.execute(op);
            } catch (RejectedExecutionException e) {
                // Only after close() gave up waiting for the store: nobody is left to answer.
                LOG.warn("replica store completed request {} after the server stopped", op.id);
            }
        }
    }

    void completedTwice(ReplicaOp op, int status) {
        LOG.error("a replica store completed op {} (request {}) twice, the second time with status {}", op.op(), op.id,
                status);
    }

    /** Sends the op's answer and frees it; event loop only. */
    void answer(ReplicaOp op) {
        ByteBuf answer;
        if (op.op() == BlockIo.OP_READ) {
            ByteBuf data = op.buffer;
            if (op.status == IoStatus.OK && data.readableBytes() == ResponseHeader.LENGTH + op.length()) {
                ResponseHeader.set(data, data.readerIndex(), op.id, IoStatus.OK, op.length());
                answer = data;
            } else {
                data.release();
                answer = header(op.id, op.status == IoStatus.OK ? IoStatus.READ_ERROR : op.status);
            }
        } else {
            if (op.buffer != null) {
                op.buffer.release();
            }
            answer = header(op.id, op.status);
        }
        op.buffer = null;
        free.push(op);
        inFlight--;
        send(answer);
        if (!ctx.channel().config().isAutoRead() && inFlight <= maxInFlight / 2 && active) {
            ctx.channel().config().setAutoRead(true);
        }
        if (!active && inFlight == 0) {
            registry.remove(this);
        }
    }

    private ByteBuf header(long id, int status) {
        ByteBuf b = ctx.alloc().buffer(ResponseHeader.LENGTH);
        ResponseHeader.write(b, id, status, 0);
        return b;
    }

    private void send(ByteBuf answer) {
        if (!active) {
            answer.release();
            return;
        }
        ctx.write(answer, ctx.voidPromise());
        if (!flushPending) {
            flushPending = true;
            if (!reading) {
                loop.execute(flushTask);
            }
        }
    }

    private void flushPending() {
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }
}
