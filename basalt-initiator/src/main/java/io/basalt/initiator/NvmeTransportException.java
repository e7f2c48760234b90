package io.basalt.initiator;

/**
 * The command's fate is unknown or it never reached the controller: the connection failed, was
 * closed, was refused, or the target broke the protocol. A write that fails this way may or may
 * not have been applied.
 */
public class NvmeTransportException extends NvmeException {
    private static final long serialVersionUID = 1L;

    public NvmeTransportException(String message) {
        super(message, null);
    }

    public NvmeTransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
