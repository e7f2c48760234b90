package io.basalt.engine.pool;

import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.gc.SegmentTable;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.checkpoint.Checkpointer;
import io.basalt.engine.log.SegmentLayout;
import io.basalt.engine.map.ExtentTable;
import io.basalt.engine.map.VolumeMap;

import java.util.Map;

/**
 * Physical space: live bytes per segment, per volume and for the pool, mapped entries, the cleaner's
 * segment reserve, and admission of writes that map new blocks. Every address a map gains or loses
 * passes through {@link #acquire} and {@link #release}: the one place where a rule for shared
 * extents (snapshots, clones, dedup) will decide whether an old address stays alive.
 *
 * <p>Dedup extents: a map entry that refers to an extent holds a reference, not bytes. The
 * extent's payload becomes live when its WRITE_EXTENT is applied ({@link #extentPlaced}) and is
 * released when its last reference goes; its bytes are charged to the volume whose write created
 * it (its owner), so a duplicate costs the volume that wrote it nothing.
 *
 * <p>Invariant: live bytes stay within {@link #usableBytes()} (at most 95% of the non-reserved
 * space), so the least-utilised segment is never full of live data and every cleaning step frees space.
 */
final class SpaceAccounting {
    /** Checkpoint entries (20 bytes) one extent record takes. */
    static final int EXTENT_ENTRIES =
            (Checkpointer.EXTENT_BYTES + Checkpointer.ENTRY_BYTES - 1) / Checkpointer.ENTRY_BYTES;

    private final SegmentTable table;
    private final Dedup dedup;
    private final ExtentTable extents;
    private final Map<Integer, EngineBlockStore> volumes;
    private final int reserve;
    private final long usableBytes;
    /** Mapped blocks a checkpoint slot can hold: with 512-byte blocks this, not bytes, may be the limit. */
    private final long maxEntries;
    private long liveBytes;
    /** Block bytes (before compression) of the live payloads. */
    private long storedBytes;
    private long mappedEntries;
    /** New blocks admitted into the open hot batch, not yet live. */
    private long pendingNewBytes;
    private long pendingNewEntries;
    /** The volume {@link #releaser} releases for; one callback for all, so a trim allocates nothing. */
    private EngineBlockStore releasing;
    private final VolumeMap.Released releaser = (lba, address) -> release(releasing, address);

    SpaceAccounting(SegmentLayout layout, PoolConfig config, SegmentTable table, long maxEntries, Dedup dedup,
                    Map<Integer, EngineBlockStore> volumes) {
        this.table = table;
        this.dedup = dedup;
        this.extents = dedup.extents();
        this.volumes = volumes;
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

    long storedBytes() {
        return storedBytes;
    }

    /**
     * Admits a write of {@code n} blocks at {@code lba}: refused if the blocks it maps anew would
     * take live bytes past the usable space or mapped entries past what a checkpoint holds.
     * Overwrites always pass — except, in dedup volumes, overwrites of shared blocks (the shared
     * copy stays) and any block that may create an extent record, which count as new.
     */
    boolean admitWrite(EngineBlockStore v, long lba, int n) {
        int bs = v.blockSize();
        long fresh = 0;
        long freshBlocks = 0;
        for (int k = 0; k < n; k++) {
            long a = v.map.get(lba + k);
            if (a == PhysAddr.NONE) {
                fresh += bs;
                freshBlocks++;
            } else if (PhysAddr.isExtent(a) && extents.refs(PhysAddr.extentId(a)) > 1) {
                fresh += bs;
            }
        }
        long freshEntries = freshBlocks + (v.options().dedup() ? (long) n * EXTENT_ENTRIES : 0);
        if (freshEntries > 0 && (liveBytes + pendingNewBytes + fresh > usableBytes
                || entries() + pendingNewEntries + freshEntries > maxEntries)) {
            return false;
        }
        pendingNewBytes += fresh;
        pendingNewEntries += freshEntries;
        return true;
    }

    /** Checkpoint entries in use: map entries, and extent records at their size in entries. */
    private long entries() {
        return mappedEntries + extents.count() * EXTENT_ENTRIES;
    }

    /** The hot batch was written (its blocks are live now) or failed: nothing is pending any more. */
    void batchDone() {
        pendingNewBytes = 0;
        pendingNewEntries = 0;
    }

    /**
     * {@code v}'s map now holds {@code address}. For an extent reference the reference itself was
     * taken when the record was appended ({@link Dedup#ref}); only the mapping is counted here.
     */
    void acquire(EngineBlockStore v, long address) {
        if (PhysAddr.isExtent(address)) {
            mappedEntries++;
            v.mappedBlocks++;
            return;
        }
        int len = PhysAddr.length(address);
        table.addLive(PhysAddr.segment(address), len);
        liveBytes += len;
        storedBytes += v.blockSize();
        mappedEntries++;
        v.physicalBytes += len;
        v.storedBytes += v.blockSize();
        v.mappedBlocks++;
    }

    /** {@code v}'s map no longer holds {@code address}; an extent's last reference releases its payload. */
    void release(EngineBlockStore v, long address) {
        if (PhysAddr.isExtent(address)) {
            mappedEntries--;
            v.mappedBlocks--;
            unref(PhysAddr.extentId(address), v.blockSize());
            return;
        }
        int len = PhysAddr.length(address);
        table.addLive(PhysAddr.segment(address), -len);
        liveBytes -= len;
        storedBytes -= v.blockSize();
        mappedEntries--;
        v.physicalBytes -= len;
        v.storedBytes -= v.blockSize();
        v.mappedBlocks--;
    }

    /** Drops one reference to extent {@code id}; at none, releases its payload (if placed) and frees it. */
    void unref(long id, int blockSize) {
        if (!dedup.unref(id)) {
            return;
        }
        if (extents.state(id) == ExtentTable.LIVE) {
            payloadGone(id, blockSize);
        }
        dedup.free(id);
    }

    /** Extent {@code id}'s WRITE_EXTENT was applied: its payload is live, charged to its owner. */
    void extentPlaced(long id, int blockSize) {
        long address = extents.address(id);
        int len = PhysAddr.length(address);
        table.addLive(PhysAddr.segment(address), len);
        liveBytes += len;
        storedBytes += blockSize;
        EngineBlockStore owner = volumes.get(extents.owner(id));
        if (owner != null) {
            owner.physicalBytes += len;
            owner.storedBytes += blockSize;
        }
    }

    private void payloadGone(long id, int blockSize) {
        long address = extents.address(id);
        int len = PhysAddr.length(address);
        table.addLive(PhysAddr.segment(address), -len);
        liveBytes -= len;
        storedBytes -= blockSize;
        EngineBlockStore owner = volumes.get(extents.owner(id));
        if (owner != null) {
            owner.physicalBytes -= len;
            owner.storedBytes -= blockSize;
        }
    }

    /** The cleaner moved extent {@code id}'s payload to {@code address}. */
    void extentMoved(long id, long address) {
        long old = extents.address(id);
        table.addLive(PhysAddr.segment(old), -PhysAddr.length(old));
        table.addLive(PhysAddr.segment(address), PhysAddr.length(address));
        extents.move(id, address);
    }

    /**
     * Recovery: counts {@code v}'s map entry {@code address}, extent references included — the
     * first reference to an extent makes its payload live.
     */
    void recount(EngineBlockStore v, long address) {
        if (PhysAddr.isExtent(address)) {
            long id = PhysAddr.extentId(address);
            if (extents.refs(id) == 0) {
                extentPlaced(id, v.blockSize());
            }
            extents.ref(id);
        }
        acquire(v, address);
    }

    /** The callback that releases what a clear or shrink of {@code v}'s map drops. */
    VolumeMap.Released releaser(EngineBlockStore v) {
        releasing = v;
        return releaser;
    }
}
