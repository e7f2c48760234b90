package io.basalt.engine.checkpoint;

/**
 * An image (a volume, a snapshot, or a deleted snapshot kept for its children) as the pool records
 * it. Names are at most 255 UTF-8 bytes. {@code parentId} 0 is the root of its family.
 */
public record VolumeRecord(int id, String name, int blockSize, long capacityBytes, boolean volatileWriteCache,
                           int familyId, byte kind, int ownerId, int parentId, long createdMillis) {
    public static final byte VOLUME = 0;
    public static final byte SNAPSHOT = 1;
    public static final byte HIDDEN = 2;

    /** A volume that is the root of its own family. */
    public VolumeRecord(int id, String name, int blockSize, long capacityBytes, boolean volatileWriteCache) {
        this(id, name, blockSize, capacityBytes, volatileWriteCache, id, VOLUME, id, 0, 0);
    }
}
