package io.basalt.engine.map;

import io.basalt.engine.log.PhysAddr;

import java.util.Arrays;

/**
 * Dedup extents: blocks that several map entries share. For each extent id: where its payload
 * is ({@link PhysAddr}), the payload's CRC32C, how many references hold it, the volume whose
 * write created it (charged for its space), its dedup domain and its full 256-bit fingerprint.
 * A map entry refers to an extent by {@link PhysAddr#extent(long)}; the cleaner moves an
 * extent's payload once, here, instead of in every map that refers to it.
 *
 * <p>States: FREE (id unused), PENDING (created by a write still in the open batch: referenced,
 * no address yet), LIVE (placed). Ids are reused once freed; a reused id gets a new payload, CRC
 * and fingerprint, and replay tells incarnations apart by address and CRC. Parallel arrays
 * indexed by id − 1, grown by doubling: 56 bytes per extent. Owned by the engine thread.
 *
 * <p>Durability invariant: none here — the log records each extent's payload (WRITE_EXTENT),
 * each extra reference (REF) and each move (MOVE_EXTENT); checkpoints copy the LIVE extents;
 * reference counts are recounted from the maps at recovery.
 */
public final class ExtentTable {
    public static final byte FREE = 0;
    public static final byte PENDING = 1;
    public static final byte LIVE = 2;
    /** Domain of an extent whose fingerprint is unknown: never matched by a lookup. */
    public static final int NO_DOMAIN = Integer.MIN_VALUE;
    /** Fingerprint longs per extent (256 bits). */
    public static final int FP_LONGS = 4;

    private byte[] state = new byte[0];
    private long[] address = new long[0];
    private int[] crc = new int[0];
    private int[] refs = new int[0];
    private int[] owner = new int[0];
    private int[] domain = new int[0];
    private long[] fingerprint = new long[0];
    /** Free ids below {@link #high}, as a stack. */
    private long[] free = new long[0];
    private int freeCount;
    /** Ids 1..high have been handed out at some time. */
    private long high;
    private long count;

    /**
     * A copy of every extent's state, address, CRC, owner, domain and fingerprint (what a checkpoint
     * writes; not the reference counts or free list) for a checkpoint written by another thread:
     * O(extents), about 49 bytes each copied. Nothing is copied for a pool without dedup.
     */
    public ExtentTable copy() {
        ExtentTable c = new ExtentTable();
        if (high == 0) {
            return c;
        }
        int n = (int) high;
        c.state = Arrays.copyOf(state, n);
        c.address = Arrays.copyOf(address, n);
        c.crc = Arrays.copyOf(crc, n);
        c.refs = new int[n];
        c.owner = Arrays.copyOf(owner, n);
        c.domain = Arrays.copyOf(domain, n);
        c.fingerprint = Arrays.copyOf(fingerprint, n * FP_LONGS);
        c.high = high;
        c.count = count;
        return c;
    }

    /** Extents not FREE. */
    public long count() {
        return count;
    }

    /** LIVE extents (a scan). */
    public long liveCount() {
        long n = 0;
        for (long id = 1; id <= high; id++) {
            if (state[slot(id)] == LIVE) {
                n++;
            }
        }
        return n;
    }

    /** A new PENDING extent with one reference; returns its id. {@code fp} holds 4 longs from {@code fpOff}. */
    public long create(int domainId, int ownerVolume, long[] fp, int fpOff) {
        long id = freeCount > 0 ? free[--freeCount] : ++high;
        ensure(id);
        int s = slot(id);
        state[s] = PENDING;
        address[s] = PhysAddr.NONE;
        crc[s] = 0;
        refs[s] = 1;
        owner[s] = ownerVolume;
        domain[s] = domainId;
        System.arraycopy(fp, fpOff, fingerprint, s * FP_LONGS, FP_LONGS);
        count++;
        return id;
    }

    /** The extent's payload was written at {@code addr} with {@code payloadCrc}: it is LIVE. */
    public void place(long id, long addr, int payloadCrc) {
        int s = slot(id);
        state[s] = LIVE;
        address[s] = addr;
        crc[s] = payloadCrc;
    }

    /** The cleaner moved the payload (same bytes, same CRC). */
    public void move(long id, long addr) {
        address[slot(id)] = addr;
    }

    public void ref(long id) {
        refs[slot(id)]++;
    }

    /** Drops a reference; returns how many remain (at 0 the caller frees the extent). */
    public int unref(long id) {
        return --refs[slot(id)];
    }

    /** Returns the id to the free pool. */
    public void free(long id) {
        int s = slot(id);
        if (state[s] == FREE) {
            throw new IllegalStateException("extent " + id + " freed twice");
        }
        state[s] = FREE;
        address[s] = PhysAddr.NONE;
        refs[s] = 0;
        count--;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, Math.max(16, free.length * 2));
        }
        free[freeCount++] = id;
    }

    public boolean isLive(long id) {
        return id >= 1 && id <= high && state[slot(id)] == LIVE;
    }

    public byte state(long id) {
        return id >= 1 && id <= high ? state[slot(id)] : FREE;
    }

    public long address(long id) {
        return address[slot(id)];
    }

    public int crc(long id) {
        return crc[slot(id)];
    }

    public int refs(long id) {
        return refs[slot(id)];
    }

    public int owner(long id) {
        return owner[slot(id)];
    }

    public int domain(long id) {
        return domain[slot(id)];
    }

    /** Fingerprint long {@code k} (0..3) of the extent. */
    public long fingerprint(long id, int k) {
        return fingerprint[slot(id) * FP_LONGS + k];
    }

    /** Whether the extent is usable for a block of {@code domainId} with fingerprint {@code fp[fpOff..+4)}. */
    public boolean matches(long id, int domainId, long[] fp, int fpOff) {
        if (id < 1 || id > high) {
            return false;
        }
        int s = slot(id);
        return state[s] != FREE && domain[s] == domainId && domainId != NO_DOMAIN
                && Arrays.equals(fingerprint, s * FP_LONGS, s * FP_LONGS + FP_LONGS, fp, fpOff, fpOff + FP_LONGS);
    }

    // ---- recovery -------------------------------------------------------------------------------

    /** Recovery: sets extent {@code id} LIVE as a checkpoint or a replayed WRITE_EXTENT describes it. */
    public void restore(long id, int domainId, int ownerVolume, long addr, int payloadCrc, long[] fp, int fpOff) {
        ensure(id);
        high = Math.max(high, id);
        int s = slot(id);
        if (state[s] == FREE) {
            count++;
        }
        state[s] = LIVE;
        address[s] = addr;
        crc[s] = payloadCrc;
        refs[s] = 0;
        owner[s] = ownerVolume;
        domain[s] = fp == null ? NO_DOMAIN : domainId;
        if (fp != null) {
            System.arraycopy(fp, fpOff, fingerprint, s * FP_LONGS, FP_LONGS);
        }
    }

    /** Recovery: every reference count to 0, before they are recounted from the maps. */
    public void clearRefs() {
        Arrays.fill(refs, 0);
    }

    /** Recovery, after recounting: frees every extent no map refers to and rebuilds the free list. */
    public void freeUnreferenced() {
        freeCount = 0;
        for (long id = high; id >= 1; id--) {
            int s = slot(id);
            if (state[s] != FREE && refs[s] == 0) {
                state[s] = FREE;
                address[s] = PhysAddr.NONE;
                count--;
            }
            if (state[s] == FREE) {
                if (freeCount == free.length) {
                    free = Arrays.copyOf(free, Math.max(16, free.length * 2));
                }
                free[freeCount++] = id;
            }
        }
    }

    /** Receives every LIVE extent. */
    @FunctionalInterface
    public interface Visitor {
        void visit(long id);
    }

    public void forEachLive(Visitor visitor) {
        for (long id = 1; id <= high; id++) {
            if (state[slot(id)] == LIVE) {
                visitor.visit(id);
            }
        }
    }

    private static int slot(long id) {
        return (int) (id - 1);
    }

    private void ensure(long id) {
        if (id > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("extent table full");
        }
        int need = (int) id;
        if (need <= state.length) {
            return;
        }
        int n = Math.max(need, Math.max(64, state.length * 2));
        state = Arrays.copyOf(state, n);
        address = Arrays.copyOf(address, n);
        crc = Arrays.copyOf(crc, n);
        refs = Arrays.copyOf(refs, n);
        owner = Arrays.copyOf(owner, n);
        domain = Arrays.copyOf(domain, n);
        fingerprint = Arrays.copyOf(fingerprint, n * FP_LONGS);
    }
}
