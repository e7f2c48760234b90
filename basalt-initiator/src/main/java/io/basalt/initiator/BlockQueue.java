package io.basalt.initiator;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

/**
 * Where a user of the initiator sends block I/O: one queue of one controller ({@link IoQueue}),
 * or one queue across every path of a subsystem ({@code io.basalt.initiator.multipath.MultipathQueue}).
 * Both keep the same contract: a call made on {@link #eventLoop()} does not allocate, callbacks
 * run on that loop exactly once, a write sends {@code src}'s readable bytes without moving its
 * indexes, a read lands at {@code dst}'s writer index and moves it past the data on success.
 */
public interface BlockQueue {
    /** The event loop every callback runs on; submit from here to avoid a hop. */
    EventLoop eventLoop();

    /** Reads {@code nlb} blocks from {@code slba} into {@code dst}. */
    void read(NamespaceInfo ns, long slba, int nlb, ByteBuf dst, IoCallback cb);

    /** Writes {@code nlb} blocks at {@code slba}; with {@code fua} the controller makes them durable first. */
    void write(NamespaceInfo ns, long slba, int nlb, ByteBuf src, boolean fua, IoCallback cb);

    /** Makes every completed write durable. */
    void flush(NamespaceInfo ns, IoCallback cb);
}
