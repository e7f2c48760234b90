package io.basalt.engine.pool;

import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;
import io.basalt.block.IoStatus;
import io.basalt.engine.checkpoint.VolumeRecord;
import io.basalt.engine.map.VolumeMap;
import io.basalt.engine.services.DataKey;

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
    private final VolumeOptions options;
    private final int family;
    /** The data key (encrypted volumes; null otherwise): engine and reader threads build ciphers from it. */
    private final DataKey key;
    private volatile long capacity;
    private volatile boolean deleted;
    /** The data key wrapped by the pool's KEK, as checkpoints store it; null without encryption. Engine thread. */
    byte[] wrappedKey;
    /**
     * What this image's own map holds (shared with other images of its family or not): payload
     * bytes, their block bytes before compression, blocks mapped. Written by the engine thread only.
     */
    volatile long physicalBytes;
    volatile long storedBytes;
    volatile long mappedBlocks;
    private volatile byte kind = VOLUME;
    /** Engine thread only: replaced whole by a rollback. */
    VolumeMap map;
    /** Engine thread only: the family tree (see {@link ImageTree}). */
    Family familyTree;
    EngineBlockStore parent;
    final List<EngineBlockStore> children = new ArrayList<>(2);
    /** The volume a snapshot was taken of (its own id for a volume); creation time in ms since the epoch. */
    int ownerId;
    long createdMillis;

    EngineBlockStore(Engine engine, int id, String name, int blockSize, long capacity, boolean volatileWriteCache,
                     VolumeMap map) {
        this(engine, id, name, blockSize, capacity, volatileWriteCache, map, VolumeOptions.none(), id, null, null);
    }

    EngineBlockStore(Engine engine, int id, String name, int blockSize, long capacity, boolean volatileWriteCache,
                     VolumeMap map, VolumeOptions options, int family, DataKey key, byte[] wrappedKey) {
        if (options.encrypted() != (key != null)) {
            throw new IllegalArgumentException("an encrypted volume needs its key, and only it");
        }
        this.engine = engine;
        this.id = id;
        this.name = name;
        this.blockSize = blockSize;
        this.blockShift = Integer.numberOfTrailingZeros(blockSize);
        this.capacity = capacity;
        this.volatileWriteCache = volatileWriteCache;
        this.map = map;
        this.options = options;
        this.family = family;
        this.key = key;
        this.wrappedKey = wrappedKey;
        this.ownerId = id;
    }

    byte kind() {
        return kind;
    }

    void setKind(byte kind) {
        this.kind = kind;
    }

    /** Whether this image takes writes (a volume) or fails them (a snapshot). */
    @Override
    public boolean isReadOnly() {
        return kind != VOLUME;
    }

    /** Takes {@code from}'s usage counters: this image's map is now a copy of {@code from}'s. */
    void copyUsage(EngineBlockStore from) {
        physicalBytes = from.physicalBytes;
        storedBytes = from.storedBytes;
        mappedBlocks = from.mappedBlocks;
    }

    public int id() {
        return id;
    }

    /** The volume's data services, fixed at creation. */
    public VolumeOptions options() {
        return options;
    }

    /**
     * The volume's family: the checksum and cipher domain of its blocks (XTS tweak and CRC seed
     * are {@code (family, lba)}): the id of the family's original volume, shared by its snapshots and
     * clones, and with it the data key and the blocks.
     */
    public int family() {
        return family;
    }

    /** The data key of an encrypted volume, else null. Never logged: its toString is redacted. */
    DataKey key() {
        return key;
    }

    /** Mapped, stored and physical bytes; a racy but consistent-enough read from any thread. */
    public VolumeUsage usage() {
        return VolumeUsage.of(mappedBlocks * blockSize, storedBytes, physicalBytes);
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
     * Payload bytes this image's map holds on the devices (thin provisioning: only what is
     * written), shared with other images of its family or not.
     */
    @Override
    public long allocatedBytes() {
        return physicalBytes;
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
