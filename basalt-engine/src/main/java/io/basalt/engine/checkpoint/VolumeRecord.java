package io.basalt.engine.checkpoint;

/**
 * An image — a volume, a snapshot, or a deleted snapshot kept for its children — as the pool
 * records it. Names are at most 255 UTF-8 bytes.
 *
 * @param compressionTag the volume's {@code CompressionAlgorithm} tag
 * @param family         the checksum and cipher domain of the volume's blocks: the id of the family's
 *                       original volume, shared by its snapshots and clones
 * @param wrappedKey     its data key wrapped by the pool's KEK (encrypted volumes), else null
 * @param kind           {@link #VOLUME}, {@link #SNAPSHOT} or {@link #HIDDEN}
 * @param ownerId        the volume a snapshot was taken of (a volume's own id)
 * @param parentId       the image's parent in its family's tree, 0 at the root
 * @param createdMillis  creation time, ms since the epoch (0 if unknown)
 */
public record VolumeRecord(int id, String name, int blockSize, long capacityBytes, boolean volatileWriteCache,
                           int compressionTag, boolean dedup, boolean encrypted, int family, byte[] wrappedKey,
                           byte kind, int ownerId, int parentId, long createdMillis) {
    /** Wrapped keys longer than this are refused (an AES-KW wrapped data key is 72 bytes). */
    public static final int MAX_WRAPPED_KEY = 128;
    public static final byte VOLUME = 0;
    public static final byte SNAPSHOT = 1;
    public static final byte HIDDEN = 2;

    /** A volume without data services, the root of its own family. */
    public VolumeRecord(int id, String name, int blockSize, long capacityBytes, boolean volatileWriteCache) {
        this(id, name, blockSize, capacityBytes, volatileWriteCache, 0, false, false, id, null);
    }

    /** A volume, the root of its family. */
    public VolumeRecord(int id, String name, int blockSize, long capacityBytes, boolean volatileWriteCache,
                        int compressionTag, boolean dedup, boolean encrypted, int family, byte[] wrappedKey) {
        this(id, name, blockSize, capacityBytes, volatileWriteCache, compressionTag, dedup, encrypted, family,
                wrappedKey, VOLUME, id, 0, 0);
    }

    @Override
    public String toString() {
        return "VolumeRecord[id=" + id + ", name=" + name + ", family=" + family + ", encrypted=" + encrypted
                + ", kind=" + kind + ", parent=" + parentId + "]";
    }
}
