package io.basalt.server.volume;

/**
 * What the data dir holds forbids what was asked: a shrink, a block size change, damaged metadata,
 * another brick using it. The message is one line for the operator.
 */
public final class DataDirException extends Exception {
    public DataDirException(String message) {
        super(message);
    }

    public DataDirException(String message, Throwable cause) {
        super(message, cause);
    }
}
