package io.basalt.nvme.discovery;

import io.netty.buffer.ByteBuf;

/**
 * The 1024-byte header of the discovery log page ({@link Discovery#LOG_PAGE_ID}); the entries
 * ({@link DiscoveryLogEntry}) follow it. All multi-byte fields are little endian.
 *
 * <pre>
 *  0                 8                 16       18                               1024
 * +-----------------+-----------------+--------+--------------------------------+
 * |  genctr (le64)  |  numrec (le64)  | recfmt |           reserved             |
 * |                 |                 | (le16) |                                |
 * +-----------------+-----------------+--------+--------------------------------+
 * </pre>
 *
 * A host reads the header, the entries, then the header again: an unchanged GENCTR says the
 * entries are consistent. Static accessors read and write at an absolute index, as
 * {@link io.basalt.nvme.tcp.CommonHeader} does.
 */
public final class DiscoveryLogHeader {
    public static final int LENGTH = 1024;
    public static final int GENCTR_OFFSET = 0;
    public static final int NUMREC_OFFSET = 8;
    public static final int RECFMT_OFFSET = 16;

    private DiscoveryLogHeader() {
    }

    /** Generation counter: changes whenever the log does. */
    public static long genctr(ByteBuf b, int base) {
        return b.getLongLE(base + GENCTR_OFFSET);
    }

    public static void genctr(ByteBuf b, int base, long value) {
        b.setLongLE(base + GENCTR_OFFSET, value);
    }

    /** Number of records (entries) in the log. */
    public static long numrec(ByteBuf b, int base) {
        return b.getLongLE(base + NUMREC_OFFSET);
    }

    public static void numrec(ByteBuf b, int base, long value) {
        b.setLongLE(base + NUMREC_OFFSET, value);
    }

    /** Record format: 0 is the only one defined. */
    public static int recfmt(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + RECFMT_OFFSET);
    }

    public static void recfmt(ByteBuf b, int base, int value) {
        b.setShortLE(base + RECFMT_OFFSET, value);
    }
}
