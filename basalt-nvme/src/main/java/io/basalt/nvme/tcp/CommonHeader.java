package io.basalt.nvme.tcp;

import io.netty.buffer.ByteBuf;

/**
 * The 8-byte common header that starts every NVMe/TCP PDU. All multi-byte fields are little endian.
 *
 * <pre>
 *  0        1        2        3        4                                   8
 * +--------+--------+--------+--------+-----------------------------------+
 * |  type  | flags  |  hlen  |  pdo   |              plen (le32)          |
 * +--------+--------+--------+--------+-----------------------------------+
 * </pre>
 *
 * Static accessors read and write at an absolute index so one flyweight serves every buffer
 * without allocation.
 */
public final class CommonHeader {
    public static final int LENGTH = 8;
    public static final int TYPE_OFFSET = 0;
    public static final int FLAGS_OFFSET = 1;
    public static final int HLEN_OFFSET = 2;
    public static final int PDO_OFFSET = 3;
    public static final int PLEN_OFFSET = 4;
    /** Length of a header or data digest (CRC32C). */
    public static final int DIGEST_LENGTH = 4;

    private CommonHeader() {
    }

    public static int type(ByteBuf b, int base) {
        return b.getUnsignedByte(base + TYPE_OFFSET);
    }

    public static int flags(ByteBuf b, int base) {
        return b.getUnsignedByte(base + FLAGS_OFFSET);
    }

    public static int hlen(ByteBuf b, int base) {
        return b.getUnsignedByte(base + HLEN_OFFSET);
    }

    public static int pdo(ByteBuf b, int base) {
        return b.getUnsignedByte(base + PDO_OFFSET);
    }

    /** PLEN as an unsigned value in a long, so a hostile 0xFFFFFFFF is not negative. */
    public static long plen(ByteBuf b, int base) {
        return b.getUnsignedIntLE(base + PLEN_OFFSET);
    }

    /** Writes a common header at the writer index and advances it. */
    public static void write(ByteBuf b, int type, int flags, int hlen, int pdo, int plen) {
        b.writeByte(type).writeByte(flags).writeByte(hlen).writeByte(pdo).writeIntLE(plen);
    }
}
