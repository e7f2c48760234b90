package io.basalt.nvmet.core;

/**
 * One command set — fabrics, admin, discovery, NVM I/O. The dispatcher picks one when a command
 * arrives, lets it validate the command ({@link #prepare}) and binds it to the request, so the
 * rest of the request's life ({@link Request#execute()}, {@link Request#blockOpDone(int)}) goes
 * straight to it without routing again.
 */
public interface CommandSet {
    /** Validates a command before any data is solicited; SUCCESS or the status to complete it with. */
    int prepare(Request req);

    /** Runs a prepared command whose data (if any) has arrived: a status or {@link Request#PENDING}. */
    int execute(Request req);

    /**
     * Maps the outcome of a block operation the command submitted to its NVMe status. Only a command
     * set that submits block operations receives this.
     */
    default int blockOpDone(Request req, int ioStatus) {
        throw new IllegalStateException("no block operation was submitted by " + getClass().getSimpleName());
    }
}
