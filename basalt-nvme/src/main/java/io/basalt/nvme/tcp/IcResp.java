package io.basalt.nvme.tcp;

import io.netty.buffer.ByteBuf;

/**
 * Initialize Connection Response (controller to host), 128 bytes.
 *
 * <pre>
 *  0      8         10     11     12                16                128
 * +------+---------+------+------+-----------------+-----------------+
 * |  CH  | pfv le16| cpda | dgst | maxh2cdata le32 |     reserved    |
 * +------+---------+------+------+-----------------+-----------------+
 * </pre>
 */
public final class IcResp {
    public static final int LENGTH = 128;
    public static final int PFV_OFFSET = 8;
    public static final int CPDA_OFFSET = 10;
    public static final int DGST_OFFSET = 11;
    public static final int MAXH2CDATA_OFFSET = 12;

    private IcResp() {
    }

    public static int pfv(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + PFV_OFFSET);
    }

    public static int cpda(ByteBuf b, int base) {
        return b.getUnsignedByte(base + CPDA_OFFSET);
    }

    public static int dgst(ByteBuf b, int base) {
        return b.getUnsignedByte(base + DGST_OFFSET);
    }

    public static long maxh2cdata(ByteBuf b, int base) {
        return b.getUnsignedIntLE(base + MAXH2CDATA_OFFSET);
    }

    /** Encodes a complete ICResp at the writer index. */
    public static void write(ByteBuf b, int cpda, int dgst, int maxh2cdata) {
        int start = b.writerIndex();
        CommonHeader.write(b, PduType.IC_RESP, 0, LENGTH, 0, LENGTH);
        b.writeShortLE(0).writeByte(cpda).writeByte(dgst).writeIntLE(maxh2cdata);
        b.writeZero(LENGTH - (b.writerIndex() - start));
    }
}
