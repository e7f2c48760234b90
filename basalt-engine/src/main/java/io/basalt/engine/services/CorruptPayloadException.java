package io.basalt.engine.services;

/**
 * A stored payload did not decode to a block of the expected length: the bytes are not what a
 * {@link BlockCompressor} wrote (corruption, a wrong key upstream, or a misdirected read). The
 * engine turns it into a media error for the one I/O; nothing of the payload is returned.
 */
public final class CorruptPayloadException extends Exception {
    public CorruptPayloadException(String message) {
        super(message);
    }

    public CorruptPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
