package io.basalt.nvme.admin;

import io.netty.buffer.ByteBuf;

/**
 * One ANA group descriptor of the ANA log page, after the {@link AnaLogHeader}: 32 bytes, then
 * {@code nnsids} NSIDs (le32 each, ascending). All multi-byte fields are little endian.
 *
 * <pre>
 *  0                 4                 8                 16      17                  32
 * +-----------------+-----------------+-----------------+-------+-------------------+---------------+
 * | anagrpid (le32) |  nnsids (le32)  |  chgcnt (le64)  | state |  reserved [15]    | nsids[nnsids] |
 * +-----------------+-----------------+-----------------+-------+-------------------+---------------+
 * </pre>
 */
public final class AnaGroupDescriptor {
    /** Length without the NSID list. */
    public static final int LENGTH = 32;
    public static final int NSID_LENGTH = 4;
    public static final int ANAGRPID_OFFSET = 0;
    public static final int NNSIDS_OFFSET = 4;
    public static final int CHGCNT_OFFSET = 8;
    public static final int STATE_OFFSET = 16;
    public static final int NSIDS_OFFSET = 32;

    public static final int STATE_OPTIMIZED = 0x01;
    public static final int STATE_NON_OPTIMIZED = 0x02;
    public static final int STATE_INACCESSIBLE = 0x03;
    public static final int STATE_PERSISTENT_LOSS = 0x04;
    public static final int STATE_CHANGE = 0x0F;

    private AnaGroupDescriptor() {
    }

    /** Bytes of a descriptor holding {@code nsids} NSIDs. */
    public static int length(int nsids) {
        return LENGTH + nsids * NSID_LENGTH;
    }

    /** ANA group identifier, never 0. */
    public static long anagrpid(ByteBuf b, int base) {
        return b.getUnsignedIntLE(base + ANAGRPID_OFFSET);
    }

    public static void anagrpid(ByteBuf b, int base, long value) {
        b.setIntLE(base + ANAGRPID_OFFSET, (int) value);
    }

    /** Number of NSIDs listed after the descriptor (0 when the host asked for groups only). */
    public static int nnsids(ByteBuf b, int base) {
        return (int) b.getUnsignedIntLE(base + NNSIDS_OFFSET);
    }

    public static void nnsids(ByteBuf b, int base, int value) {
        b.setIntLE(base + NNSIDS_OFFSET, value);
    }

    /** The log's change count when this group last changed. */
    public static long chgcnt(ByteBuf b, int base) {
        return b.getLongLE(base + CHGCNT_OFFSET);
    }

    public static void chgcnt(ByteBuf b, int base, long value) {
        b.setLongLE(base + CHGCNT_OFFSET, value);
    }

    /** ANA state, e.g. {@link #STATE_OPTIMIZED}. */
    public static int state(ByteBuf b, int base) {
        return b.getUnsignedByte(base + STATE_OFFSET);
    }

    public static void state(ByteBuf b, int base, int value) {
        b.setByte(base + STATE_OFFSET, value);
    }

    /** The {@code i}th NSID of the list. */
    public static long nsid(ByteBuf b, int base, int i) {
        return b.getUnsignedIntLE(base + NSIDS_OFFSET + i * NSID_LENGTH);
    }

    public static void nsid(ByteBuf b, int base, int i, long value) {
        b.setIntLE(base + NSIDS_OFFSET + i * NSID_LENGTH, (int) value);
    }
}
