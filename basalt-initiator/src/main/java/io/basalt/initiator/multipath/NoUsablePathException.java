package io.basalt.initiator.multipath;

import io.basalt.initiator.NvmeTransportException;

/**
 * No path could carry an I/O for as long as {@link MultipathSettings#noPathTimeoutMillis()}
 * allows: every path was disconnected, inaccessible, in transition or lost for its namespace. A
 * write that fails this way may or may not have been applied (an earlier attempt may have been).
 */
public final class NoUsablePathException extends NvmeTransportException {
    private static final long serialVersionUID = 1L;

    public NoUsablePathException(String message) {
        super(message);
    }
}
