package io.basalt.replication.wire;

import io.netty.buffer.ByteBuf;

/**
 * The first 8 bytes each side sends on a new connection: who it is and which protocol version it
 * speaks. A peer with another magic is not a Basalt replication peer; one with another version
 * cannot be understood. Either way the connection ends with a message saying which.
 *
 * <pre>
 *  0                                   4                 6                 8
 * +-----------------------------------+-----------------+-----------------+
 * |          magic "BRPL"             |  version (16)   | reserved (0)    |
 * +-----------------------------------+-----------------+-----------------+
 * </pre>
 */
public final class Hello {
    public static final int LENGTH = 8;
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int RESERVED_OFFSET = 6;
    /** "BRPL": Basalt replication. */
    public static final int MAGIC = 0x4252504C;
    /** The version this code speaks. Bump it on any change to a frame. */
    public static final int VERSION = 1;

    private Hello() {
    }

    public static int magic(ByteBuf b, int base) {
        return b.getInt(base + MAGIC_OFFSET);
    }

    public static int version(ByteBuf b, int base) {
        return b.getUnsignedShort(base + VERSION_OFFSET);
    }

    /** Writes this side's hello at the writer index. */
    public static void write(ByteBuf b) {
        write(b, MAGIC, VERSION);
    }

    /** Writes a hello with the given fields; tests use it to play a foreign or newer peer. */
    public static void write(ByteBuf b, int magic, int version) {
        b.writeInt(magic).writeShort(version).writeShort(0);
    }
}
