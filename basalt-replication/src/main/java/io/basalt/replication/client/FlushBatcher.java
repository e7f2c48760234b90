package io.basalt.replication.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;

/**
 * Turns the flush that follows each request written from another thread into one flush per turn
 * of the event loop: the first flush of a burst queues a flush task, later ones only ride on it.
 * Netty's FlushConsolidationHandler does the same but allocates a future per scheduled flush;
 * this queues one preallocated task.
 */
final class FlushBatcher extends ChannelOutboundHandlerAdapter {
    private ChannelHandlerContext ctx;
    private boolean queued;
    private final Runnable flushNow = () -> {
        queued = false;
        ctx.flush();
    };

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (!queued) {
            queued = true;
            ctx.executor().execute(flushNow);
        }
    }
}
