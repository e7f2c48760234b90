package io.basalt.replication.client;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.replication.wire.Hello;
import io.basalt.replication.wire.ProtocolException;
import io.basalt.replication.wire.ResponseDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * One TCP connection to a brick, primary side, on the client's event loop: sends this side's
 * hello, tells the client when the brick's hello checked out and when the connection is gone,
 * and completes each answered operation with the brick's status (a read's data copied into the
 * caller's buffer).
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements ResponseDecoder.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

    private final ReplicationClient client;
    private final PendingTable pending;
    private ChannelHandlerContext ctx;
    private boolean opened;
    private long answers;

    ClientConnection(ReplicationClient client, PendingTable pending) {
        this.client = client;
        this.pending = pending;
    }

    /** Answers received so far (any, even late ones): the brick is alive while this grows. */
    long answers() {
        return answers;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ByteBuf hello = ctx.alloc().buffer(Hello.LENGTH);
        Hello.write(hello);
        ctx.writeAndFlush(hello, ctx.voidPromise());
        ctx.fireChannelActive();
    }

    @Override
    public void opened() {
        opened = true;
        client.opened(ctx.channel());
    }

    @Override
    public void response(long id, int status, ByteBuf in, int dataIndex, int dataLength) {
        answers++;
        BlockIo io = pending.take(id);
        if (io == null) {
            LOG.debug("answer to request {} from {} came after it timed out", id, client.address());
            return;
        }
        int outcome = status;
        if (io.op() == BlockIo.OP_READ && status == IoStatus.OK) {
            if (dataLength == io.length()) {
                outcome = copy(in, dataIndex, io);
            } else {
                LOG.warn("{} answered a read of {} bytes with {}", client.address(), io.length(), dataLength);
                outcome = IoStatus.READ_ERROR;
            }
        }
        ReplicationClient.complete(io, outcome);
    }

    /** Copies a read's data to the caller's buffer; a buffer without room is the caller's error, not the connection's. */
    private int copy(ByteBuf in, int dataIndex, BlockIo io) {
        try {
            io.buffer().writeBytes(in, dataIndex, io.length());
            return IoStatus.OK;
        } catch (IndexOutOfBoundsException e) {
            LOG.error("no room for a read of {} bytes in the caller's buffer", io.length(), e);
            return IoStatus.INTERNAL_ERROR;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        client.connectionLost(ctx.channel());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ProtocolException && !opened) {
            // A brick of another version is refused on every reconnect: logged once per outage.
            client.attemptFailed(cause.getMessage());
        } else if (cause instanceof ProtocolException) {
            LOG.warn("replication connection to {}: {}; closing it", client.address(), cause.getMessage());
        } else if (cause instanceof IOException) {
            LOG.debug("replication connection to {}: {}", client.address(), cause.toString());
        } else {
            LOG.warn("replication connection to {} failed; closing it", client.address(), cause);
        }
        ctx.close();
    }
}
