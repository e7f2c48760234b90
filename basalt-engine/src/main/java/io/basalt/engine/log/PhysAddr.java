package io.basalt.engine.log;

/**
 * A payload's place in the pool packed into one long, so the map costs 8 bytes per block for it:
 *
 * <pre>
 *  63            36 35            12 11         4 3     0
 * +----------------+----------------+------------+-------+
 * | segment (28)   | offset/16 (24) | len/16-1(8)| flags |
 * +----------------+----------------+------------+-------+
 * </pre>
 *
 * Offsets and lengths are bytes within the segment, multiples of 16; lengths 16..4096. 0 is
 * {@link #NONE}: offset 0 of a segment is always a batch header, never a payload.
 */
public final class PhysAddr {
    public static final long NONE = 0;
    public static final int MAX_SEGMENTS = 1 << 28;
    public static final int MAX_SEGMENT_SIZE = 1 << 28;
    public static final int MAX_LENGTH = 4096;

    private PhysAddr() {
    }

    public static long pack(int segment, int offset, int length) {
        if ((offset & 15) != 0 || (length & 15) != 0 || length <= 0 || length > MAX_LENGTH
                || offset < 0 || offset >= MAX_SEGMENT_SIZE || segment < 0) {
            throw new IllegalArgumentException("bad address " + segment + "/" + offset + "/" + length);
        }
        return ((long) segment << 36) | ((long) (offset >>> 4) << 12) | ((long) ((length >>> 4) - 1) << 4);
    }

    public static int segment(long addr) {
        return (int) (addr >>> 36);
    }

    public static int offset(long addr) {
        return (int) ((addr >>> 12) & 0xFFFFFF) << 4;
    }

    public static int length(long addr) {
        return ((int) ((addr >>> 4) & 0xFF) + 1) << 4;
    }

    public static String toString(long addr) {
        return addr == NONE ? "none" : segment(addr) + "+" + offset(addr) + "/" + length(addr);
    }
}
