package io.basalt.nvme.tcp;

import io.netty.buffer.ByteBuf;

/**
 * H2CTermReq / C2HTermReq: ends a connection after a fatal transport error. 24-byte header followed
 * by up to 128 bytes of the offending PDU header. Never carries digests.
 *
 * <pre>
 *  0      8          10         14            24              plen
 * +------+----------+----------+-------------+---------------+
 * |  CH  | fes le16 | fei le32 |  reserved   | error data    |
 * +------+----------+----------+-------------+---------------+
 * </pre>
 */
public final class TermReq {
    public static final int HEADER_LENGTH = 24;
    public static final int FES_OFFSET = 8;
    public static final int FEI_OFFSET = 10;
    /** The most bytes of the offending PDU header a TermReq may carry. */
    public static final int MAX_ERROR_DATA = 128;

    /** Fatal error status: invalid PDU header field; FEI is the byte offset of the field. */
    public static final int FES_INVALID_HEADER_FIELD = 0x01;
    /** Fatal error status: PDU sequence error. */
    public static final int FES_PDU_SEQUENCE_ERROR = 0x02;
    /** Fatal error status: header digest error. */
    public static final int FES_HEADER_DIGEST_ERROR = 0x03;
    /** Fatal error status: data transfer out of range. */
    public static final int FES_DATA_OUT_OF_RANGE = 0x04;
    /** Fatal error status: data transfer limit exceeded (R2T limit exceeded in older revisions). */
    public static final int FES_DATA_LIMIT_EXCEEDED = 0x05;
    /** Fatal error status: unsupported parameter; FEI is the byte offset of the field. */
    public static final int FES_UNSUPPORTED_PARAMETER = 0x06;

    private TermReq() {
    }

    public static int fes(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + FES_OFFSET);
    }

    public static long fei(ByteBuf b, int base) {
        return b.getUnsignedIntLE(base + FEI_OFFSET);
    }

    /**
     * Writes a complete TermReq at the writer index, copying up to 128 readable bytes of
     * {@code offending} (may be null) as error data.
     */
    public static void write(ByteBuf b, int type, int fes, int fei, ByteBuf offending, int offendingIndex,
                             int offendingLength) {
        int n = offending == null ? 0 : Math.min(MAX_ERROR_DATA, offendingLength);
        CommonHeader.write(b, type, 0, HEADER_LENGTH, 0, HEADER_LENGTH + n);
        b.writeShortLE(fes).writeIntLE(fei).writeZero(HEADER_LENGTH - 14);
        if (n > 0) {
            b.writeBytes(offending, offendingIndex, n);
        }
    }
}
