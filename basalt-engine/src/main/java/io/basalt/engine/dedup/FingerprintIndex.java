package io.basalt.engine.dedup;

/**
 * Dedup index: the first 128 bits of a block's {@link Fingerprinter fingerprint} → a non-zero
 * 64-bit value the engine defines (an extent id), in a fixed memory budget.
 *
 * <p>Open addressing with linear probing in one {@code long[]}, three longs per slot (key high,
 * key low, value), so a probe touches one cache line; deletion shifts later entries back
 * instead of leaving tombstones, so probe lengths do not grow with churn. The slot for a key is
 * its high 64 bits scaled to the table size — fingerprints are uniform, so no further mixing is
 * needed. Value 0 marks an empty slot. Not thread-safe: owned by the engine thread.
 *
 * <p><b>Memory budget.</b> The table is sized once, to as many 24-byte slots as the budget
 * holds, and never grows. It accepts entries up to {@link #MAX_LOAD} of its slots.
 *
 * <p><b>When full</b>, {@link #put} adds nothing and returns false (counted in
 * {@link #rejectedPuts()}): blocks written from then on are stored as unique blocks, so some
 * duplicates go unnoticed until deletes make room. Data is never lost or shared wrongly — the
 * index only ever causes a block to be stored rather than shared.
 *
 * <p><b>What a hit means.</b> 128 bits of SHA-256: for 2³² distinct blocks (16 TiB of 4 KiB)
 * the chance that any two share a key is about 2⁻⁶⁵, far below undetected device error rates.
 * Manufacturing a colliding pair deliberately would still take about 2⁶⁴ hash evaluations, so
 * an engine that shares blocks across tenants should confirm a hit against the full 256-bit
 * fingerprint kept with the extent before sharing.
 */
public final class FingerprintIndex {
    /** Value returned by {@link #get} for a fingerprint not in the index; never a valid value. */
    public static final long ABSENT = 0;
    /** Bytes per slot: two key longs and a value. */
    public static final int SLOT_BYTES = 24;
    /** Fraction of slots that may be used: beyond it, linear probing's miss cost climbs steeply. */
    public static final double MAX_LOAD = 0.75;
    /** Upper bound on slots: one Java array holds the table. */
    public static final int MAX_SLOTS = (Integer.MAX_VALUE - 8) / 3;
    private static final int MIN_SLOTS = 16;

    private final long[] table;
    private final int slots;
    private final int maxEntries;
    private int size;
    private long rejectedPuts;

    private FingerprintIndex(int slots) {
        this.slots = slots;
        this.table = new long[slots * 3];
        this.maxEntries = (int) (slots * MAX_LOAD);
    }

    /** An index using at most {@code bytes} of heap for its table (at least 16 slots' worth). */
    public static FingerprintIndex withMemoryBudget(long bytes) {
        long slots = Math.min(bytes / SLOT_BYTES, MAX_SLOTS);
        if (slots < MIN_SLOTS) {
            throw new IllegalArgumentException("fingerprint index budget of " + bytes + " bytes is below "
                    + MIN_SLOTS * SLOT_BYTES);
        }
        return new FingerprintIndex((int) slots);
    }

    /** The value for a fingerprint, or {@link #ABSENT}. */
    public long get(long keyHigh, long keyLow) {
        int i = home(keyHigh);
        while (true) {
            int at = i * 3;
            long v = table[at + 2];
            if (v == ABSENT) {
                return ABSENT;
            }
            if (table[at] == keyHigh && table[at + 1] == keyLow) {
                return v;
            }
            i = next(i);
        }
    }

    /** {@link #get} by a fingerprint in a byte array. */
    public long get(byte[] fingerprint, int off) {
        return get(Fingerprinter.high(fingerprint, off), Fingerprinter.low(fingerprint, off));
    }

    /**
     * Maps a fingerprint to {@code value}, replacing any value it had.
     *
     * @return false if the fingerprint was new and the index is full: nothing was added
     */
    public boolean put(long keyHigh, long keyLow, long value) {
        if (value == ABSENT) {
            throw new IllegalArgumentException("0 marks empty slots and cannot be stored");
        }
        int i = home(keyHigh);
        while (true) {
            int at = i * 3;
            if (table[at + 2] == ABSENT) {
                if (size >= maxEntries) {
                    rejectedPuts++;
                    return false;
                }
                table[at] = keyHigh;
                table[at + 1] = keyLow;
                table[at + 2] = value;
                size++;
                return true;
            }
            if (table[at] == keyHigh && table[at + 1] == keyLow) {
                table[at + 2] = value;
                return true;
            }
            i = next(i);
        }
    }

    /**
     * Removes a fingerprint if it still maps to {@code value} (the engine calls this when the
     * extent's last reference goes); a newer mapping of the same fingerprint is left alone.
     *
     * @return whether an entry was removed
     */
    public boolean remove(long keyHigh, long keyLow, long value) {
        int i = home(keyHigh);
        while (true) {
            int at = i * 3;
            long v = table[at + 2];
            if (v == ABSENT) {
                return false;
            }
            if (table[at] == keyHigh && table[at + 1] == keyLow) {
                if (v != value) {
                    return false;
                }
                deleteAt(i);
                size--;
                return true;
            }
            i = next(i);
        }
    }

    /** Backward-shift deletion: pull later members of the probe run into the hole so every lookup still finds them. */
    private void deleteAt(int hole) {
        int j = hole;
        while (true) {
            j = next(j);
            int at = j * 3;
            if (table[at + 2] == ABSENT) {
                break;
            }
            int home = home(table[at]);
            // The entry at j may move to the hole only if its home is not in the cyclic range (hole, j].
            boolean homeBetween = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!homeBetween) {
                int to = hole * 3;
                table[to] = table[at];
                table[to + 1] = table[at + 1];
                table[to + 2] = table[at + 2];
                hole = j;
            }
        }
        int to = hole * 3;
        table[to] = 0;
        table[to + 1] = 0;
        table[to + 2] = ABSENT;
    }

    private int home(long keyHigh) {
        return (int) Math.unsignedMultiplyHigh(keyHigh, slots);
    }

    private int next(int i) {
        return i + 1 == slots ? 0 : i + 1;
    }

    public int size() {
        return size;
    }

    /** Entries the index accepts before it is full. */
    public int maxEntries() {
        return maxEntries;
    }

    public boolean isFull() {
        return size >= maxEntries;
    }

    /** Heap bytes held by the table. */
    public long memoryBytes() {
        return (long) slots * SLOT_BYTES;
    }

    /** New fingerprints turned away because the index was full: duplicates that may go unshared. */
    public long rejectedPuts() {
        return rejectedPuts;
    }

    @Override
    public String toString() {
        return "FingerprintIndex[" + size + "/" + maxEntries + " entries, " + memoryBytes() + " bytes]";
    }
}
