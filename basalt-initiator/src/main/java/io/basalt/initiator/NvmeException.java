package io.basalt.initiator;

/** Base of every failure the initiator reports for a command or a connection. */
public abstract class NvmeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected NvmeException(String message, Throwable cause) {
        super(message, cause);
    }
}
