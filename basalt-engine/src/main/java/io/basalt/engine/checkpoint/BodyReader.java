package io.basalt.engine.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Parses a checkpoint body as {@link ReadAhead} delivers it, integers little-endian, and knows how
 * many of the body's bytes are left, so counts read from an untrusted body can be checked against
 * them before anything is allocated. A body that ends early is {@link Malformed}. One body at a
 * time, while a pool opens.
 *
 * <p>Durability invariant: none of its own — it only reads; the loader trusts nothing parsed
 * here until the body's CRC (from {@link ReadAhead}) matches the header's.
 */
final class BodyReader {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private ReadAhead ahead;
    /** The piece being parsed. */
    private ByteBuffer in = EMPTY;
    /** Body bytes handed to the parser so far. */
    private long pos;
    private long bodyBytes;

    /** Starts parsing a body of {@code bodyBytes} delivered by {@code body}. */
    void start(ReadAhead body, long bodyBytes) {
        this.ahead = body;
        this.bodyBytes = bodyBytes;
        pos = 0;
        in = EMPTY;
    }

    /** Lets the read-ahead go (it is closed by its owner). */
    void end() {
        ahead = null;
        in = EMPTY;
    }

    /** Body bytes not yet parsed. */
    long remaining() {
        return bodyBytes - (pos - in.remaining());
    }

    byte getByte() throws IOException {
        if (!in.hasRemaining()) {
            refill();
        }
        return in.get();
    }

    int getInt() throws IOException {
        if (in.remaining() >= 4) {
            return in.getInt();
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (getByte() & 0xFF) << (i * 8);
        }
        return v;
    }

    long getLong() throws IOException {
        if (in.remaining() >= 8) {
            return in.getLong();
        }
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (getByte() & 0xFFL) << (i * 8);
        }
        return v;
    }

    /** Takes the next piece of the body, read ahead. */
    private void refill() throws IOException {
        ByteBuffer piece = ahead.next();
        if (piece == null) {
            throw new Malformed("body ends early");
        }
        in = piece;
        pos += piece.limit();
    }

    /** The body does not parse: torn or corrupt, so the slot is refused like one failing its CRC. */
    static final class Malformed extends IOException {
        Malformed(String message) {
            super(message);
        }
    }
}
