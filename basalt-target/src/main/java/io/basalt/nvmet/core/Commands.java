package io.basalt.nvmet.core;

/**
 * The routing a transport calls once per received command, as nvmet's {@code nvmet_req_init}:
 * pick the command set for the command and the queue it arrived on, let it validate the command,
 * and bind it to the request ({@link Request#bind}). After that the transport runs the request
 * with {@link Request#execute()} and completes it with the status that returns — unless it is
 * {@link Request#PENDING}, when the request completes later.
 */
public interface Commands {
    /**
     * Validates and routes a command, binding its command set on success. Returns SUCCESS, or the
     * status to complete the command with at once (nothing is bound then).
     */
    int prepare(Request req);
}
