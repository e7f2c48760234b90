package io.basalt.replication;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Changed-block tracking for one replica that is out of sync: one bit per region of the volume
 * (64 KiB by default), set when a write the replica did not get touches the region, cleared by the
 * resync as it copies the region. The answer is a superset: a region written twice, or written with
 * the data it held, is copied once all the same.
 *
 * <p>Marking runs on the write path, from any thread: no lock, no allocation, and no write to the
 * bitmap when the bits are already set (the common case for a hot region).
 */
public final class ChangedRegions {
    private final AtomicLongArray bits;
    private final AtomicLong marked = new AtomicLong();
    private final long regions;
    private final int regionShift;

    /**
     * @param capacityBytes the volume's size
     * @param regionBytes   the granularity: a power of two
     */
    public ChangedRegions(long capacityBytes, int regionBytes) {
        if (regionBytes <= 0 || Integer.bitCount(regionBytes) != 1) {
            throw new IllegalArgumentException("region size must be a power of two: " + regionBytes);
        }
        this.regionShift = Integer.numberOfTrailingZeros(regionBytes);
        this.regions = (capacityBytes + regionBytes - 1) >>> regionShift;
        if (regions > (long) Integer.MAX_VALUE * Long.SIZE) {
            throw new IllegalArgumentException("too many regions: use a larger region size");
        }
        this.bits = new AtomicLongArray((int) ((regions + Long.SIZE - 1) / Long.SIZE));
    }

    /** Bytes per region. */
    public int regionBytes() {
        return 1 << regionShift;
    }

    /** Regions in the volume. */
    public long regions() {
        return regions;
    }

    /** Regions marked now. */
    public long count() {
        return marked.get();
    }

    /** Marks every region touched by {@code length} bytes at {@code offset}. Any thread, lock-free. */
    public void mark(long offset, long length) {
        if (length <= 0) {
            return;
        }
        long first = offset >>> regionShift;
        long last = Math.min(regions - 1, (offset + length - 1) >>> regionShift);
        for (long r = first; r <= last; ) {
            int word = (int) (r >>> 6);
            long wordEnd = Math.min(last, ((long) word << 6) + 63);
            long mask = rangeMask((int) (r & 63), (int) (wordEnd & 63));
            setBits(word, mask);
            r = wordEnd + 1;
        }
    }

    /** Marks every region: the replica's whole copy is suspect (no tracking from before). */
    public void markAll() {
        mark(0, regions << regionShift);
    }

    /**
     * Unmarks {@code region}, as a resync does just before reading it (a write completing after that
     * marks it again, so it is copied again).
     *
     * @return whether it was marked (false for a region past the volume's end)
     */
    public boolean clear(long region) {
        if (region < 0 || region >= regions) {
            return false;
        }
        int word = (int) (region >>> 6);
        long bit = 1L << (region & 63);
        while (true) {
            long w = bits.get(word);
            if ((w & bit) == 0) {
                return false;
            }
            if (bits.compareAndSet(word, w, w & ~bit)) {
                marked.decrementAndGet();
                return true;
            }
        }
    }

    /** Whether {@code region} is marked. */
    public boolean isMarked(long region) {
        return (bits.get((int) (region >>> 6)) & (1L << (region & 63))) != 0;
    }

    /** The first marked region at or after {@code from}, or -1. */
    public long next(long from) {
        if (from >= regions) {
            return -1;
        }
        int word = (int) (from >>> 6);
        long w = bits.get(word) & (-1L << (from & 63));
        while (true) {
            if (w != 0) {
                long r = ((long) word << 6) + Long.numberOfTrailingZeros(w);
                return r < regions ? r : -1;
            }
            if (++word == bits.length()) {
                return -1;
            }
            w = bits.get(word);
        }
    }

    private void setBits(int word, long mask) {
        while (true) {
            long w = bits.get(word);
            long added = mask & ~w;
            if (added == 0) {
                return;
            }
            if (bits.compareAndSet(word, w, w | mask)) {
                marked.addAndGet(Long.bitCount(added));
                return;
            }
        }
    }

    private static long rangeMask(int fromBit, int toBit) {
        long upTo = toBit == 63 ? -1L : (1L << (toBit + 1)) - 1;
        return upTo & (-1L << fromBit);
    }
}
