package io.basalt.engine.checkpoint;

/**
 * A volume as the pool records it. Names are at most 255 UTF-8 bytes.
 *
 * @param compressionTag the volume's {@code CompressionAlgorithm} tag
 * @param family         the checksum and cipher domain of the volume's blocks
 * @param wrappedKey     its data key wrapped by the pool's KEK (encrypted volumes), else null
 */
public record VolumeRecord(int id, String name, int blockSize, long capacityBytes, boolean volatileWriteCache,
                           int compressionTag, boolean dedup, boolean encrypted, int family, byte[] wrappedKey) {
    /** Wrapped keys longer than this are refused (an AES-KW wrapped data key is 72 bytes). */
    public static final int MAX_WRAPPED_KEY = 128;

    public VolumeRecord(int id, String name, int blockSize, long capacityBytes, boolean volatileWriteCache) {
        this(id, name, blockSize, capacityBytes, volatileWriteCache, 0, false, false, id, null);
    }

    @Override
    public String toString() {
        return "VolumeRecord[id=" + id + ", name=" + name + ", family=" + family + ", encrypted=" + encrypted + "]";
    }
}
