package io.basalt.control;

/**
 * The store could not be reached within its deadline (etcd down, partitioned, or without a
 * leader): nothing is known about whether the operation took effect, so a caller that retries a
 * write re-reads first. The message names the endpoints tried. The daemon answers management calls
 * that meet it with 503; I/O to existing volumes does not depend on the store and goes on.
 */
public final class MetadataUnavailableException extends MetadataStoreException {
    public MetadataUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
