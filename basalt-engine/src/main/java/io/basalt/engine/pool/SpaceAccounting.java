package io.basalt.engine.pool;

import io.basalt.engine.dedup.Dedup;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.gc.Cleaner;
import io.basalt.engine.gc.SegmentTable;
import io.basalt.engine.log.LogStream;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.checkpoint.Checkpointer;
import io.basalt.engine.log.SegmentLayout;
import io.basalt.engine.map.ExtentTable;
import io.basalt.engine.map.VolumeMap;

import java.util.Map;

/**
 * Physical space: live bytes per segment, per volume and for the pool, mapped entries, the cleaner's
 * segment reserve, and admission of writes that map new blocks. Every address a map gains or loses
 * passes through here. Two levels: what an image's own map holds (its usage counters, changed
 * with every entry it gains or loses) and what the pool holds (an address is acquired once, when
 * written, and released once, when the last image holding it drops it). For a volume (a leaf of
 * its family) that overwrites or trims a block, {@link #releaseFromLeaf} is the rule: the old
 * address lives on iff the volume's parent holds it at that LBA (see {@link ImageTree}).
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
    private final VolumeMap.Released releaser = (lba, address) -> releaseFromLeaf(releasing, lba, address);

    SpaceAccounting(SegmentLayout layout, PoolConfig config, SegmentTable table, long maxEntries, Dedup dedup,
                    Map<Integer, EngineBlockStore> volumes) {
        this.table = table;
        this.dedup = dedup;
        this.extents = dedup.extents();
        this.volumes = volumes;
        this.maxEntries = maxEntries;
        this.reserve = Math.max(4, layout.segments() / 50);
        // Not for data: the reserve, each stream's open and next segment, and what recovery keeps free.
        long dataSegments = Math.max(0, layout.segments() - reserve - 2L * LogStream.STREAMS
                - Cleaner.RECOVERY_SEGMENTS);
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
     * Overwrites always pass — except overwrites of blocks a snapshot keeps, and, in dedup volumes,
     * of shared blocks (the shared copy stays) and any block that may create an extent record,
     * which count as new.
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
            } else if (parentHolds(v, lba + k, a)
                    || PhysAddr.isExtent(a) && extents.refs(PhysAddr.extentId(a)) > 1) {
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
        mapped(v, address, 1);
        acquirePool(address, v.blockSize());
    }

    /** {@code v}'s map no longer holds {@code address}, and no other image does. */
    void release(EngineBlockStore v, long address) {
        mapped(v, address, -1);
        releasePool(address, v.blockSize());
    }

    /**
     * Volume {@code v} (a leaf) dropped {@code address} at {@code lba}: the images holding an
     * address at an LBA are a connected subtree, so if any other image holds it, {@code v}'s
     * parent does — one probe decides whether the pool releases it.
     */
    void releaseFromLeaf(EngineBlockStore v, long lba, long address) {
        mapped(v, address, -1);
        if (!parentHolds(v, lba, address)) {
            releasePool(address, v.blockSize());
        }
    }

    static boolean parentHolds(EngineBlockStore v, long lba, long address) {
        return v.parent != null && v.parent.map.get(lba) == address;
    }

    /** Image {@code v}'s own map gained ({@code +1}) or lost ({@code -1}) {@code address}: its usage counters. */
    static void mapped(EngineBlockStore v, long address, int sign) {
        v.mappedBlocks += sign;
        if (!PhysAddr.isExtent(address)) {
            v.physicalBytes += sign * PhysAddr.length(address);
            v.storedBytes += sign * v.blockSize();
        }
    }

    /** The pool holds {@code address} now (an extent's reference was taken when its record was appended). */
    private void acquirePool(long address, int blockSize) {
        mappedEntries++;
        if (PhysAddr.isExtent(address)) {
            return;
        }
        int len = PhysAddr.length(address);
        table.addLive(PhysAddr.segment(address), len);
        liveBytes += len;
        storedBytes += blockSize;
    }

    /** No image holds {@code address} any more; an extent's last reference releases its payload. */
    void releasePool(long address, int blockSize) {
        mappedEntries--;
        if (PhysAddr.isExtent(address)) {
            unref(PhysAddr.extentId(address), blockSize);
            return;
        }
        int len = PhysAddr.length(address);
        table.addLive(PhysAddr.segment(address), -len);
        liveBytes -= len;
        storedBytes -= blockSize;
    }

    /** The cleaner moved a block (for every image holding it) from {@code from} to {@code to}, same length. */
    void moved(long from, long to) {
        table.addLive(PhysAddr.segment(from), -PhysAddr.length(from));
        table.addLive(PhysAddr.segment(to), PhysAddr.length(to));
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
     * Recovery: counts {@code v}'s map entry {@code address} in its usage; if {@code v} is the top of
     * the subtree holding it ({@code first}), in the pool's too, extent references included — the
     * first reference to an extent makes its payload live.
     */
    void recount(EngineBlockStore v, long address, boolean first) {
        if (!first) {
            mapped(v, address, 1);
            return;
        }
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
