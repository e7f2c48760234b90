package io.basalt.nvme.admin;

import io.netty.buffer.ByteBuf;

/**
 * The 16-byte header of the Asymmetric Namespace Access log page ({@link #LOG_PAGE_ID}); the
 * group descriptors ({@link AnaGroupDescriptor}) follow it, each with its NSID list unless the
 * host asked for groups only ({@link #LSP_GROUPS_ONLY}). All multi-byte fields are little endian.
 *
 * <pre>
 *  0                 8                 10                       16
 * +-----------------+-----------------+------------------------+
 * |  chgcnt (le64)  |  ngrps (le16)   |        reserved        |
 * +-----------------+-----------------+------------------------+
 * </pre>
 *
 * A host sizes its buffer from Identify Controller: 16 + NANAGRPID * 32 + MNAN * 4 bytes (Linux
 * gives up ANA when that exceeds MDTS), so a page must never hold more groups or NSIDs than that.
 */
public final class AnaLogHeader {
    /** Log page identifier of the ANA log page. */
    public static final int LOG_PAGE_ID = 0x0C;
    public static final int LENGTH = 16;
    public static final int CHGCNT_OFFSET = 0;
    public static final int NGRPS_OFFSET = 8;
    /** Log specific field bit 0 (RGO): return groups only, every NSID count zero. */
    public static final int LSP_GROUPS_ONLY = 0x01;

    private AnaLogHeader() {
    }

    /** The largest page a host with these Identify Controller values reads. */
    public static long maxLength(long nanagrpid, long mnan) {
        return LENGTH + nanagrpid * AnaGroupDescriptor.LENGTH + mnan * AnaGroupDescriptor.NSID_LENGTH;
    }

    /** Change count: bumped whenever any group's state changes. */
    public static long chgcnt(ByteBuf b, int base) {
        return b.getLongLE(base + CHGCNT_OFFSET);
    }

    public static void chgcnt(ByteBuf b, int base, long value) {
        b.setLongLE(base + CHGCNT_OFFSET, value);
    }

    /** Number of group descriptors that follow. */
    public static int ngrps(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + NGRPS_OFFSET);
    }

    public static void ngrps(ByteBuf b, int base, int value) {
        b.setShortLE(base + NGRPS_OFFSET, value);
    }
}
