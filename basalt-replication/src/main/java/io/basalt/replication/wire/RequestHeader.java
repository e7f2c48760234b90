package io.basalt.replication.wire;

import io.netty.buffer.ByteBuf;

/**
 * The fixed 48-byte header of a request from a volume's primary to a replica, followed by its
 * payload: {@code length} bytes for {@link #OP_WRITE}, {@code length} (offset, length) pairs of
 * big-endian longs for {@link #OP_DEALLOCATE} (as in {@link io.basalt.block.BlockIo#OP_DEALLOCATE}),
 * nothing for the others.
 *
 * <pre>
 *  0        1        2                 4                                   12
 * +--------+--------+-----------------+-----------------------------------+
 * |   op   | flags  |  reserved (0)   |         request id (64)           |
 * +--------+--------+-----------------+-----------------------------------+
 * 12                                                                      28
 * |        volume UUID (128: most significant half, then least)           |
 * 28                                 36                                  44
 * |           epoch (64)             |           offset (64)             |
 * 44                48
 * |   length (32)   |  payload ...
 * </pre>
 *
 * {@code length} counts bytes for reads, writes and write-zeroes, ranges for deallocates, and is 0
 * for a flush. The op codes equal {@link io.basalt.block.BlockIo}'s (a test pins both).
 */
public final class RequestHeader {
    public static final int LENGTH = 48;
    public static final int OP_OFFSET = 0;
    public static final int FLAGS_OFFSET = 1;
    public static final int RESERVED_OFFSET = 2;
    public static final int ID_OFFSET = 4;
    public static final int VOLUME_MSB_OFFSET = 12;
    public static final int VOLUME_LSB_OFFSET = 20;
    public static final int EPOCH_OFFSET = 28;
    public static final int IO_OFFSET_OFFSET = 36;
    public static final int IO_LENGTH_OFFSET = 44;

    public static final int OP_READ = 0;
    public static final int OP_WRITE = 1;
    public static final int OP_FLUSH = 2;
    public static final int OP_WRITE_ZEROES = 3;
    public static final int OP_DEALLOCATE = 4;
    private static final int OP_LAST = OP_DEALLOCATE;

    /** Force unit access: the write is durable on the replica when it is answered. */
    public static final int FLAG_FUA = 1;
    private static final int FLAGS_KNOWN = FLAG_FUA;

    /** The most data one frame carries (write payload or read answer): larger operations are split by the sender. */
    public static final int MAX_DATA_LENGTH = 1 << 20;
    /** Bytes of one deallocate range: a big-endian (offset, length) pair of longs. */
    public static final int DEALLOCATE_RANGE_LENGTH = 16;

    private RequestHeader() {
    }

    public static int op(ByteBuf b, int base) {
        return b.getUnsignedByte(base + OP_OFFSET);
    }

    public static int flags(ByteBuf b, int base) {
        return b.getUnsignedByte(base + FLAGS_OFFSET);
    }

    public static int reserved(ByteBuf b, int base) {
        return b.getUnsignedShort(base + RESERVED_OFFSET);
    }

    public static long id(ByteBuf b, int base) {
        return b.getLong(base + ID_OFFSET);
    }

    public static long volumeMsb(ByteBuf b, int base) {
        return b.getLong(base + VOLUME_MSB_OFFSET);
    }

    public static long volumeLsb(ByteBuf b, int base) {
        return b.getLong(base + VOLUME_LSB_OFFSET);
    }

    public static long epoch(ByteBuf b, int base) {
        return b.getLong(base + EPOCH_OFFSET);
    }

    public static long ioOffset(ByteBuf b, int base) {
        return b.getLong(base + IO_OFFSET_OFFSET);
    }

    public static int ioLength(ByteBuf b, int base) {
        return b.getInt(base + IO_LENGTH_OFFSET);
    }

    /**
     * Bytes of payload that follow a header with this op and length, or -1 when the header is
     * malformed: an unknown op, a negative length, more than {@link #MAX_DATA_LENGTH} of data
     * (sent, or asked for by a read), or a flush with a length.
     */
    public static long payloadLength(int op, int length) {
        if (op < 0 || op > OP_LAST || length < 0) {
            return -1;
        }
        return switch (op) {
            case OP_WRITE -> length <= MAX_DATA_LENGTH ? length : -1;
            case OP_READ -> length <= MAX_DATA_LENGTH ? 0 : -1;
            case OP_DEALLOCATE -> (long) length * DEALLOCATE_RANGE_LENGTH <= MAX_DATA_LENGTH
                    ? (long) length * DEALLOCATE_RANGE_LENGTH : -1;
            case OP_FLUSH -> length == 0 ? 0 : -1;
            default -> 0;
        };
    }

    /** Whether the flags hold only bits this version knows. */
    public static boolean knownFlags(int flags) {
        return (flags & ~FLAGS_KNOWN) == 0;
    }

    /** Writes a header at the writer index; the caller writes the payload after it. */
    public static void write(ByteBuf b, int op, int flags, long id, long volumeMsb, long volumeLsb, long epoch,
                             long offset, int length) {
        b.writeByte(op).writeByte(flags).writeShort(0).writeLong(id)
                .writeLong(volumeMsb).writeLong(volumeLsb).writeLong(epoch).writeLong(offset).writeInt(length);
    }
}
