package io.basalt.initiator;

/** The controller did not complete the command within the command timeout. */
public final class NvmeTimeoutException extends NvmeTransportException {
    private static final long serialVersionUID = 1L;

    public NvmeTimeoutException(String message) {
        super(message);
    }
}
