package io.basalt.engine.pool;

import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.gc.SegmentTable;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.log.SegmentLayout;
import io.basalt.engine.map.VolumeMap;

/**
 * Physical space: live bytes per segment and for the pool, live entries, the cleaner's segment
 * reserve, and admission of writes that map new blocks. An address is acquired once, when it is
 * written, and released once, when the last image holding it drops it: {@link #releaseFromLeaf}
 * is the rule for a volume (a leaf of its family) that overwrites or trims a block — the old
 * address lives on iff the volume's parent holds it at that LBA (see {@link ImageTree}).
 *
 * <p>Invariant: live bytes stay within {@link #usableBytes()} (at most 95% of the non-reserved
 * space), so the least-utilised segment is never full of live data and every cleaning step frees space.
 */
final class SpaceAccounting {
    private final SegmentTable table;
    private final int reserve;
    private final long usableBytes;
    /** Mapped blocks a checkpoint slot can hold: with 512-byte blocks this, not bytes, may be the limit. */
    private final long maxEntries;
    private long liveBytes;
    private long mappedEntries;
    /** New blocks admitted into the open hot batch, not yet live. */
    private long pendingNewBytes;
    private long pendingNewEntries;
    /** The volume {@link #releaser} releases for; one callback for all, so a trim allocates nothing. */
    private EngineBlockStore releasing;
    private final VolumeMap.Released releaser = (lba, address) -> releaseFromLeaf(releasing, lba, address);

    SpaceAccounting(SegmentLayout layout, PoolConfig config, SegmentTable table, long maxEntries) {
        this.table = table;
        this.maxEntries = maxEntries;
        this.reserve = Math.max(4, layout.segments() / 50);
        long dataSegments = Math.max(0, layout.segments() - reserve - 4);
        // Cleaned segments are packed in full batches; each costs a header block, the tail may be lost.
        int size = layout.segmentSize();
        int headers = (size + config.maxBatchPayload() + BlockDevice.ALIGNMENT - 1)
                / (config.maxBatchPayload() + BlockDevice.ALIGNMENT) + 1;
        double density = (double) (size - headers * BlockDevice.ALIGNMENT) / size;
        this.usableBytes = (long) (dataSegments * (double) size * density * config.fillLimit());
    }

    /** Segments only the cold stream may take, so cleaning can always proceed. */
    int reserve() {
        return reserve;
    }

    long usableBytes() {
        return usableBytes;
    }

    long liveBytes() {
        return liveBytes;
    }

    /**
     * Admits a write of {@code n} blocks at {@code lba}: refused if the blocks it maps anew would
     * take live bytes past the usable space or mapped entries past what a checkpoint holds.
     * Overwrites of blocks no snapshot keeps always pass.
     */
    boolean admitWrite(EngineBlockStore v, long lba, int n) {
        int bs = v.blockSize();
        long fresh = 0;
        for (int k = 0; k < n; k++) {
            long old = v.map.get(lba + k);
            if (old == PhysAddr.NONE || parentHolds(v, lba + k, old)) {
                fresh += bs;
            }
        }
        long freshBlocks = fresh / bs;
        if (fresh > 0 && (liveBytes + pendingNewBytes + fresh > usableBytes
                || mappedEntries + pendingNewEntries + freshBlocks > maxEntries)) {
            return false;
        }
        pendingNewBytes += fresh;
        pendingNewEntries += freshBlocks;
        return true;
    }

    /** The hot batch was written (its blocks are live now) or failed: nothing is pending any more. */
    void batchDone() {
        pendingNewBytes = 0;
        pendingNewEntries = 0;
    }

    /** An image's map now holds {@code address}, which none held before. */
    void acquire(long address) {
        int len = PhysAddr.length(address);
        table.addLive(PhysAddr.segment(address), len);
        liveBytes += len;
        mappedEntries++;
    }

    /** No image holds {@code address} any more. */
    void release(long address) {
        int len = PhysAddr.length(address);
        table.addLive(PhysAddr.segment(address), -len);
        liveBytes -= len;
        mappedEntries--;
    }

    /**
     * Volume {@code v} (a leaf) dropped {@code address} at {@code lba}: the images holding an
     * address at an LBA are a connected subtree, so if any other image holds it, {@code v}'s
     * parent does — one probe decides.
     */
    void releaseFromLeaf(EngineBlockStore v, long lba, long address) {
        if (!parentHolds(v, lba, address)) {
            release(address);
        }
    }

    static boolean parentHolds(EngineBlockStore v, long lba, long address) {
        return v.parent != null && v.parent.map.get(lba) == address;
    }

    /** The callback that releases what a clear or shrink of volume {@code v}'s map drops. */
    VolumeMap.Released releaser(EngineBlockStore v) {
        releasing = v;
        return releaser;
    }
}
