package io.basalt.nvme.tcp;

import io.netty.buffer.ByteBuf;

/**
 * Ready to Transfer (controller to host), 24 bytes: the controller asks for r2tl bytes of the
 * command's data starting at r2to, to be sent in H2CData PDUs tagged with ttag.
 *
 * <pre>
 *  0      8            10          12          16          20         24
 * +------+------------+-----------+-----------+-----------+----------+
 * |  CH  | cccid le16 | ttag le16 | r2to le32 | r2tl le32 | reserved |
 * +------+------------+-----------+-----------+-----------+----------+
 * </pre>
 */
public final class R2t {
    public static final int LENGTH = 24;
    public static final int CCCID_OFFSET = 8;
    public static final int TTAG_OFFSET = 10;
    public static final int R2TO_OFFSET = 12;
    public static final int R2TL_OFFSET = 16;

    private R2t() {
    }

    public static int cccid(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + CCCID_OFFSET);
    }

    public static int ttag(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + TTAG_OFFSET);
    }

    public static long r2to(ByteBuf b, int base) {
        return b.getUnsignedIntLE(base + R2TO_OFFSET);
    }

    public static long r2tl(ByteBuf b, int base) {
        return b.getUnsignedIntLE(base + R2TL_OFFSET);
    }

    /** Writes the 24-byte R2T (no digest) at the writer index; plen covers a header digest if any. */
    public static void write(ByteBuf b, int flags, int plen, int cccid, int ttag, int r2to, int r2tl) {
        CommonHeader.write(b, PduType.R2T, flags, LENGTH, 0, plen);
        b.writeShortLE(cccid).writeShortLE(ttag).writeIntLE(r2to).writeIntLE(r2tl).writeIntLE(0);
    }
}
