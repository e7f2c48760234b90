package io.basalt.nvme.tcp;

import io.netty.buffer.ByteBuf;

/**
 * Initialize Connection Request (host to controller), 128 bytes.
 *
 * <pre>
 *  0      8         10     11     12            16                    128
 * +------+---------+------+------+-------------+---------------------+
 * |  CH  | pfv le16| hpda | dgst | maxr2t le32 |       reserved      |
 * +------+---------+------+------+-------------+---------------------+
 * </pre>
 * dgst bit 0 asks for header digests, bit 1 for data digests. maxr2t is 0's based.
 */
public final class IcReq {
    public static final int LENGTH = 128;
    public static final int PFV_OFFSET = 8;
    public static final int HPDA_OFFSET = 10;
    public static final int DGST_OFFSET = 11;
    public static final int MAXR2T_OFFSET = 12;
    public static final int DGST_HEADER = 0x01;
    public static final int DGST_DATA = 0x02;
    /** The largest HPDA value the specification allows (alignment of (hpda+1)*4 bytes). */
    public static final int HPDA_MAX = 31;

    private IcReq() {
    }

    public static int pfv(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + PFV_OFFSET);
    }

    public static int hpda(ByteBuf b, int base) {
        return b.getUnsignedByte(base + HPDA_OFFSET);
    }

    public static int dgst(ByteBuf b, int base) {
        return b.getUnsignedByte(base + DGST_OFFSET);
    }

    public static long maxr2t(ByteBuf b, int base) {
        return b.getUnsignedIntLE(base + MAXR2T_OFFSET);
    }

    /** Encodes a complete ICReq at the writer index. */
    public static void write(ByteBuf b, int hpda, int dgst, int maxr2t) {
        int start = b.writerIndex();
        CommonHeader.write(b, PduType.IC_REQ, 0, LENGTH, 0, LENGTH);
        b.writeShortLE(0).writeByte(hpda).writeByte(dgst).writeIntLE(maxr2t);
        b.writeZero(LENGTH - (b.writerIndex() - start));
    }
}
