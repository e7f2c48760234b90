package io.basalt.control.volume;

import io.basalt.control.MetadataStoreException;

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

    /** The metadata store failed: reported as the data dir's failure, in the store's words. */
    public static DataDirException failed(MetadataStoreException e) {
        return new DataDirException(e.getMessage(), e);
    }
}
