package io.basalt.nvmet.core;

/**
 * The command sets behind a transport: how a received command is validated and routed
 * ({@link #prepare}), run once its data is in ({@link #execute}), and finished after the store
 * ({@link #blockOpDone}). A transport calls these in that order and completes the request with
 * the status they return — unless it is {@link Request#PENDING}, when the request completes later.
 */
public interface Commands {
    /** Validates a command before any data is solicited; SUCCESS or the status to complete it with. */
    int prepare(Request req);

    /** Executes a prepared command whose data (if any) has arrived: a status or {@link Request#PENDING}. */
    int execute(Request req);

    /** Maps the outcome of a block operation the command submitted to its NVMe status. */
    int blockOpDone(Request req, int ioStatus);
}
