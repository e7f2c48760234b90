package io.basalt.engine.pool;

import io.basalt.engine.BlockIo;
import io.basalt.engine.BlockStore;
import io.basalt.engine.IoStatus;
import io.basalt.engine.checkpoint.VolumeRecord;
import io.basalt.engine.map.VolumeMap;

import java.util.ArrayList;
import java.util.List;

/**
 * A volume of a {@link Pool}, as the NVMe layer sees it — or a snapshot of one, whose writes fail
 * with {@link IoStatus#WRITE_PROTECTED}. Every one is an <em>image</em> in its family's tree
 * ({@link ImageTree}). {@code submit} hands the operation to the pool's engine thread through a
 * lock-free ring; the engine completes it.
 *
 * <p>Durability invariant: as {@link BlockStore}'s — with {@link #volatileWriteCache()} false (the
 * default) a write completes only once it and everything before it in the log is synced; with it
 * true, at the next Flush or FUA write.
 */
public final class EngineBlockStore implements BlockStore {
    /** Image kinds: a writable volume (always a leaf of its family), a snapshot, a deleted snapshot kept for its children. */
    static final byte VOLUME = VolumeRecord.VOLUME;
    static final byte SNAPSHOT = VolumeRecord.SNAPSHOT;
    static final byte HIDDEN = VolumeRecord.HIDDEN;

    private final Engine engine;
    private final int id;
    private final String name;
    private final int blockSize;
    private final int blockShift;
    private final boolean volatileWriteCache;
    private volatile long capacity;
    private volatile boolean deleted;
    private volatile byte kind = VOLUME;
    /** Engine thread only: replaced whole by a rollback. */
    VolumeMap map;
    /** Engine thread only: the family tree (see {@link ImageTree}). */
    Family family;
    EngineBlockStore parent;
    final List<EngineBlockStore> children = new ArrayList<>(2);
    /** The volume a snapshot was taken of (its own id for a volume); creation time in ms since the epoch. */
    int ownerId;
    long createdMillis;

    EngineBlockStore(Engine engine, int id, String name, int blockSize, long capacity, boolean volatileWriteCache,
                     VolumeMap map) {
        this.engine = engine;
        this.id = id;
        this.name = name;
        this.blockSize = blockSize;
        this.blockShift = Integer.numberOfTrailingZeros(blockSize);
        this.capacity = capacity;
        this.volatileWriteCache = volatileWriteCache;
        this.map = map;
        this.ownerId = id;
    }

    byte kind() {
        return kind;
    }

    void setKind(byte kind) {
        this.kind = kind;
    }

    /** Whether this image takes writes (a volume) or fails them (a snapshot). */
    public boolean isReadOnly() {
        return kind != VOLUME;
    }

    /** The family's id: payload checksums are seeded with it, so clones verify blocks their origin wrote. */
    int familyId() {
        return family.id;
    }

    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    int blockShift() {
        return blockShift;
    }

    /** Whether {@code [offset, offset + length)} lies within the volume and is block-aligned. */
    boolean inRange(long offset, long length) {
        int mask = blockSize - 1;
        return offset >= 0 && length >= 0 && offset + length <= capacityBytes() && (offset & mask) == 0
                && (length & mask) == 0;
    }

    @Override
    public long capacityBytes() {
        return capacity;
    }

    void setCapacity(long bytes) {
        capacity = bytes;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public boolean volatileWriteCache() {
        return volatileWriteCache;
    }

    @Override
    public void submit(BlockIo io) {
        if (deleted) {
            io.complete(IoStatus.INTERNAL_ERROR);
            return;
        }
        engine.submit(this, io);
    }

    /**
     * Payload bytes this image maps on the devices (thin provisioning: only what is written), shared
     * with other images or not. Read racily from other threads: a statistic.
     */
    @Override
    public long allocatedBytes() {
        VolumeMap m = map;
        return m == null ? 0 : m.mappedBytes();
    }

    boolean isDeleted() {
        return deleted;
    }

    void markDeleted() {
        deleted = true;
    }

    /** The pool owns the volume's life: closing a volume's store does nothing; delete it through the pool. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return (kind == VOLUME ? "volume " : "snapshot ") + name + " (id " + id + ")";
    }
}
