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
 *
 * <p>Flags: {@link #COMPRESSED} — the payload is a compressed block (see
 * {@code services.CompressedPayload}), not the block itself; {@link #EXTENT} — in a volume's map,
 * the address bits are not a place but a dedup extent id (see {@link #extent}), resolved
 * through the engine's extent table.
 */
public final class PhysAddr {
    public static final long NONE = 0;
    public static final int MAX_SEGMENTS = 1 << 28;
    public static final int MAX_SEGMENT_SIZE = 1 << 28;
    public static final int MAX_LENGTH = 4096;
    /** The payload is stored compressed; it decodes to a whole block. */
    public static final int COMPRESSED = 1;
    /** A map entry that names a shared dedup extent instead of a place. */
    public static final int EXTENT = 2;
    private static final int FLAG_MASK = 0xF;

    private PhysAddr() {
    }

    public static long pack(int segment, int offset, int length) {
        return pack(segment, offset, length, 0);
    }

    /** A place with flags ({@link #COMPRESSED}). */
    public static long pack(int segment, int offset, int length, int flags) {
        if ((offset & 15) != 0 || (length & 15) != 0 || length <= 0 || length > MAX_LENGTH
                || offset < 0 || offset >= MAX_SEGMENT_SIZE || segment < 0 || (flags & ~FLAG_MASK) != 0) {
            throw new IllegalArgumentException("bad address " + segment + "/" + offset + "/" + length);
        }
        return ((long) segment << 36) | ((long) (offset >>> 4) << 12) | ((long) ((length >>> 4) - 1) << 4) | flags;
    }

    /** A map entry referring to dedup extent {@code id} (positive, below 2⁵⁹). */
    public static long extent(long id) {
        if (id <= 0 || id >= 1L << 59) {
            throw new IllegalArgumentException("bad extent id " + id);
        }
        return id << 4 | EXTENT;
    }

    public static int flags(long addr) {
        return (int) addr & FLAG_MASK;
    }

    public static boolean isCompressed(long addr) {
        return (addr & COMPRESSED) != 0;
    }

    public static boolean isExtent(long addr) {
        return (addr & EXTENT) != 0;
    }

    /** The extent id of an {@link #EXTENT} entry. */
    public static long extentId(long addr) {
        return addr >>> 4;
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
        if (addr == NONE) {
            return "none";
        }
        if (isExtent(addr)) {
            return "extent " + extentId(addr);
        }
        return segment(addr) + "+" + offset(addr) + "/" + length(addr) + (isCompressed(addr) ? "z" : "");
    }
}
