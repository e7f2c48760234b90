package io.basalt.control;

/** The store could not read or record something; the message names what and where. */
public class MetadataStoreException extends Exception {
    public MetadataStoreException(String message) {
        super(message);
    }

    public MetadataStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
