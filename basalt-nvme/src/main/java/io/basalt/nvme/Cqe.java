package io.basalt.nvme;

import io.netty.buffer.ByteBuf;

/**
 * Completion queue entry, 16 bytes, little endian.
 *
 * <pre>
 *  0           4           8          10         12        14
 * +-----------+-----------+----------+----------+---------+-------------------------+
 * | dw0 le32  | dw1 le32  | sqhd le16| sqid le16| cid le16| status le16 (phase bit0)|
 * +-----------+-----------+----------+----------+---------+-------------------------+
 * </pre>
 * The status field holds {@link Status} shifted left by one, bit 0 being the phase tag, which
 * fabrics ignore.
 */
public final class Cqe {
    public static final int LENGTH = 16;
    public static final int DW0_OFFSET = 0;
    public static final int DW1_OFFSET = 4;
    public static final int SQHD_OFFSET = 8;
    public static final int SQID_OFFSET = 10;
    public static final int CID_OFFSET = 12;
    public static final int STATUS_OFFSET = 14;

    private Cqe() {
    }

    public static long result(ByteBuf b, int base) {
        return b.getLongLE(base + DW0_OFFSET);
    }

    public static int dw0(ByteBuf b, int base) {
        return b.getIntLE(base + DW0_OFFSET);
    }

    public static int sqhd(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + SQHD_OFFSET);
    }

    public static int sqid(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + SQID_OFFSET);
    }

    public static int cid(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + CID_OFFSET);
    }

    /** The status without the phase bit, as in {@link Status}. */
    public static int status(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + STATUS_OFFSET) >> 1;
    }

    /** Writes a CQE at the writer index. */
    public static void write(ByteBuf b, long result, int sqhd, int sqid, int cid, int status) {
        b.writeLongLE(result).writeShortLE(sqhd).writeShortLE(sqid).writeShortLE(cid).writeShortLE(status << 1);
    }
}
