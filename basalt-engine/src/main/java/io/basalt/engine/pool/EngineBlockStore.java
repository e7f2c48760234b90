package io.basalt.engine.pool;

import io.basalt.engine.BlockIo;
import io.basalt.engine.BlockStore;
import io.basalt.engine.IoStatus;
import io.basalt.engine.map.VolumeMap;
import io.basalt.engine.services.DataKey;

/**
 * A volume of a {@link Pool}, as the NVMe layer sees it. {@code submit} hands the operation to the
 * pool's engine thread through a lock-free ring; the engine completes it.
 *
 * <p>Durability invariant: as {@link BlockStore}'s — with {@link #volatileWriteCache()} false (the
 * default) a write completes only once it and everything before it in the log is synced; with it
 * true, at the next Flush or FUA write.
 */
public final class EngineBlockStore implements BlockStore {
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
    /** Payload bytes this volume holds on the devices; written by the engine thread only. */
    volatile long physicalBytes;
    /** Block bytes, before compression, of the payloads {@link #physicalBytes} counts; engine thread writes. */
    volatile long storedBytes;
    /** Blocks mapped (own payloads and extent references); engine thread writes. */
    volatile long mappedBlocks;
    /** Engine thread only. */
    final VolumeMap map;

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
     * are {@code (family, lba)}). Today every volume is its own family (its id); a clone will share
     * its origin's family, and with it the data key and the blocks.
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

    /** Payload bytes on the devices (thin provisioning: only what is written). */
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
        return "volume " + name + " (id " + id + ")";
    }
}
