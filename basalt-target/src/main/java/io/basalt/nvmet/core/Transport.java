package io.basalt.nvmet.core;

import io.basalt.nvmet.controller.Queue;
import io.netty.buffer.ByteBuf;

/**
 * What a request needs from the transport that carries its queue: buffers, the owning thread,
 * and the way out. One connection is one queue; everything but {@link #execute} and
 * {@link #inOwnerThread} is called on the owning thread. It names no channel type, so command
 * code built on {@link Request} runs unchanged over any transport; the TCP one is
 * {@code io.basalt.nvmet.transport.ConnectionHandler}.
 */
public interface Transport extends Queue.Transport {
    /** The NVMe queue this connection became. */
    Queue queue();

    /** A buffer of {@code capacity} bytes for data the command returns (admin pages); the caller owns it. */
    ByteBuf allocateData(int capacity);

    /**
     * A buffer for {@code length} bytes of read data, with room around it for the transport to
     * frame it in place; the store writes at its writer index. The caller owns it.
     */
    ByteBuf allocateReadBuffer(int length);

    /** Whether the caller runs on the thread that owns this connection. */
    boolean inOwnerThread();

    /** Runs a task on the owning thread; dropped if the connection's thread is gone. Any thread. */
    void execute(Runnable task);

    /** Completes a request that finished outside the normal flow (an AER); any thread. */
    void completeLater(Request req);

    /**
     * A store took a block operation that it will complete from another thread; on the owning
     * thread. Until {@link #completionReturned} the transport may keep its thread awake for it.
     */
    void completionAwaited();

    /** The completion of an operation counted by {@link #completionAwaited} runs; on the owning thread. */
    void completionReturned();

    /** A block operation of {@code req} finished with an engine status; on the owning thread. */
    void blockOpDone(Request req, int ioStatus);
}
