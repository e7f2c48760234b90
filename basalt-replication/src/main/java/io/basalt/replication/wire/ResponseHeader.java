package io.basalt.replication.wire;

import io.netty.buffer.ByteBuf;

/**
 * The fixed 16-byte header of a replica's answer to one request, followed by {@code data length}
 * bytes: the data of a successful read, nothing otherwise. Answers may come in any order.
 *
 * <pre>
 *  0                                   8                 12                16
 * +-----------------------------------+-----------------+-----------------+
 * |          request id (64)          |  status (32)    | data length (32)|
 * +-----------------------------------+-----------------+-----------------+
 * </pre>
 *
 * The status is an {@link io.basalt.block.IoStatus} value.
 */
public final class ResponseHeader {
    public static final int LENGTH = 16;
    public static final int ID_OFFSET = 0;
    public static final int STATUS_OFFSET = 8;
    public static final int DATA_LENGTH_OFFSET = 12;

    private ResponseHeader() {
    }

    public static long id(ByteBuf b, int base) {
        return b.getLong(base + ID_OFFSET);
    }

    public static int status(ByteBuf b, int base) {
        return b.getInt(base + STATUS_OFFSET);
    }

    public static int dataLength(ByteBuf b, int base) {
        return b.getInt(base + DATA_LENGTH_OFFSET);
    }

    /** Writes a header at the writer index. */
    public static void write(ByteBuf b, long id, int status, int dataLength) {
        b.writeLong(id).writeInt(status).writeInt(dataLength);
    }

    /** Fills in a header at an absolute index (a read answer reserves it, then reads its data behind it). */
    public static void set(ByteBuf b, int base, long id, int status, int dataLength) {
        b.setLong(base + ID_OFFSET, id).setInt(base + STATUS_OFFSET, status).setInt(base + DATA_LENGTH_OFFSET, dataLength);
    }
}
