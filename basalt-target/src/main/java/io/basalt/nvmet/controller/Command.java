package io.basalt.nvmet.controller;

import io.netty.buffer.ByteBuf;

/**
 * What the controller layer sees of a command: the queue it arrived on, its SQE and data, and its
 * result. The controller keeps Connect and Asynchronous Event Requests in these terms, so that it
 * needs neither the request's transport-neutral core nor any transport to do so.
 */
public interface Command {
    /** The queue the command arrived on. */
    Queue queue();

    /** The 64-byte submission queue entry. */
    ByteBuf sqe();

    /** Data received from the host, or null. */
    ByteBuf data();

    /** Sets the completion's command-specific result (CQE dwords 0 and 1). */
    void setResult(long result);

    /**
     * Completes the command with success from outside its own execution — an Asynchronous Event
     * Request answered when an event arrives. Any thread; the transport hops to its owner.
     */
    void completeLater();
}
