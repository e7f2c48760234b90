package io.basalt.nvme.tcp;

import io.netty.buffer.ByteBuf;

/**
 * Header of H2CData and C2HData PDUs, 24 bytes; the data follows at PDO.
 *
 * <pre>
 *  0      8            10          12           16           20        24
 * +------+------------+-----------+------------+------------+---------+
 * |  CH  | cccid le16 | ttag le16 | datao le32 | datal le32 | reserved|
 * +------+------------+-----------+------------+------------+---------+
 * </pre>
 * C2HData carries the command's CID in cccid; H2CData names its command by the ttag of the R2T.
 */
public final class DataPdu {
    public static final int HEADER_LENGTH = 24;
    public static final int CCCID_OFFSET = 8;
    public static final int TTAG_OFFSET = 10;
    public static final int DATAO_OFFSET = 12;
    public static final int DATAL_OFFSET = 16;

    private DataPdu() {
    }

    public static int cccid(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + CCCID_OFFSET);
    }

    public static int ttag(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + TTAG_OFFSET);
    }

    public static long datao(ByteBuf b, int base) {
        return b.getUnsignedIntLE(base + DATAO_OFFSET);
    }

    public static long datal(ByteBuf b, int base) {
        return b.getUnsignedIntLE(base + DATAL_OFFSET);
    }

    /** Writes the 24-byte header (no digest) at the writer index. */
    public static void writeHeader(ByteBuf b, int type, int flags, int pdo, int plen,
                                   int cccid, int ttag, int datao, int datal) {
        CommonHeader.write(b, type, flags, HEADER_LENGTH, pdo, plen);
        b.writeShortLE(cccid).writeShortLE(ttag).writeIntLE(datao).writeIntLE(datal).writeIntLE(0);
    }
}
