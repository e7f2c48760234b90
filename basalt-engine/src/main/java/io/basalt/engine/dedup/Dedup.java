package io.basalt.engine.dedup;

import io.basalt.engine.map.ExtentTable;
import io.basalt.engine.services.DataKey;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Finds duplicates for dedup volumes: fingerprints a block, looks it up in the
 * {@link FingerprintIndex} and confirms the hit against the full 256-bit fingerprint and domain
 * kept in the {@link ExtentTable}; creates and frees extents with their index entries.
 *
 * <p><b>Domains.</b> Unencrypted dedup volumes share domain 0 and plain SHA-256; an encrypted
 * volume's domain is its family (its key), with HMAC-SHA256 under a key derived from the data
 * key, so its fingerprints reveal nothing and can never match another key's blocks. A hit must
 * match domain and all 256 bits: the index keys on 128 and a deliberate 128-bit collision is
 * within reach of a determined tenant.
 *
 * <p>The index is allocated on first use (it is the pool's {@code dedupIndexBytes} of heap);
 * when full it stops finding duplicates of new blocks — they are stored unshared, nothing is
 * lost. Engine-thread confined; nothing allocated per block.
 *
 * <p>Durability invariant: nothing here is durable by itself. The extents live in the
 * {@link ExtentTable}, which the checkpoint saves and replay rebuilds; the index is a cache of it,
 * rebuilt at open ({@link #rebuildIndex}), so losing an index entry only loses a chance to share.
 * A hit is confirmed against all 256 bits and the domain before any block is shared.
 */
public final class Dedup {
    /** Domain of all unencrypted dedup volumes. */
    public static final int PLAIN_DOMAIN = 0;
    private static final int MAX_KEYS = 1024;

    private final ExtentTable extents;
    private final long indexBytes;
    private FingerprintIndex index;
    private final Fingerprinter plain = Fingerprinter.sha256();
    private final Map<DataKey, Fingerprinter> keyed = new IdentityHashMap<>();
    private final byte[] digest = new byte[Fingerprinter.LENGTH];
    /** The last block's fingerprint as 4 longs (big-endian halves: the index keys on the first two). */
    private final long[] fp = new long[ExtentTable.FP_LONGS];

    public Dedup(ExtentTable extents, long indexBytes) {
        this.extents = extents;
        this.indexBytes = indexBytes;
    }

    /** A volume's domain: its family (its key) if encrypted, else the plain domain all others share. */
    public static int domain(boolean encrypted, int family) {
        return encrypted ? family : PLAIN_DOMAIN;
    }

    public ExtentTable extents() {
        return extents;
    }

    /**
     * Fingerprints {@code block[0, bs)} in {@code domain} (keyed by {@code key}, null if plain);
     * returns the extent holding it, or 0.
     */
    public long lookup(int domain, DataKey key, byte[] block, int bs) {
        fingerprint(key, block, bs);
        long id = index().get(fp[0], fp[1]);
        return id != FingerprintIndex.ABSENT && extents.matches(id, domain, fp, 0) ? id : 0;
    }

    /**
     * A new extent, written by volume {@code volumeId}, for the block {@link #lookup} just missed in
     * {@code domain}, with one reference; indexed if there is room.
     */
    public long create(int domain, int volumeId) {
        long id = extents.create(domain, volumeId, fp, 0);
        index().put(fp[0], fp[1], id);
        return id;
    }

    public void ref(long id) {
        extents.ref(id);
    }

    /** Drops a reference; true if none is left (the caller releases the space, then {@link #free}s it). */
    public boolean unref(long id) {
        return extents.unref(id) == 0;
    }

    public void free(long id) {
        if (index != null) {
            index.remove(extents.fingerprint(id, 0), extents.fingerprint(id, 1), id);
        }
        extents.free(id);
    }

    /** Recovery: the fingerprint of a replayed extent's block (keyed by {@code key}, null if plain), into {@code out[0..4)}. */
    public void fingerprintInto(DataKey key, byte[] block, int bs, long[] out) {
        fingerprint(key, block, bs);
        System.arraycopy(fp, 0, out, 0, ExtentTable.FP_LONGS);
    }

    /** Recovery: the index from the LIVE extents whose fingerprints are known. */
    public void rebuildIndex() {
        extents.forEachLive(id -> {
            if (extents.domain(id) != ExtentTable.NO_DOMAIN) {
                index().put(extents.fingerprint(id, 0), extents.fingerprint(id, 1), id);
            }
        });
    }

    /** Fingerprints turned away because the index was full. */
    public long missedForSpace() {
        return index == null ? 0 : index.rejectedPuts();
    }

    private void fingerprint(DataKey key, byte[] block, int bs) {
        Fingerprinter f = plain;
        if (key != null) {
            f = keyed.get(key);
            if (f == null) {
                if (keyed.size() >= MAX_KEYS) {
                    keyed.clear(); // deleted volumes leave their keys behind
                }
                f = Fingerprinter.keyed(key);
                keyed.put(key, f);
            }
        }
        f.fingerprint(block, 0, bs, digest, 0);
        fp[0] = Fingerprinter.high(digest, 0);
        fp[1] = Fingerprinter.low(digest, 0);
        fp[2] = Fingerprinter.high(digest, 16);
        fp[3] = Fingerprinter.low(digest, 16);
    }

    private FingerprintIndex index() {
        if (index == null) {
            index = FingerprintIndex.withMemoryBudget(indexBytes);
        }
        return index;
    }
}
