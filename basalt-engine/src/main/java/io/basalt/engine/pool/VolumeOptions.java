package io.basalt.engine.pool;

import io.basalt.engine.services.CompressionAlgorithm;

import java.util.Objects;

/**
 * A volume's inline data services, chosen at creation and fixed for its life.
 *
 * @param compression how each block is compressed ({@code OFF} stores blocks as they are; a block
 *                    that does not save an eighth is stored raw whatever the setting)
 * @param dedup       whether identical blocks share one stored copy (see docs/engine.md for the
 *                    dedup domains: unencrypted volumes share one, an encrypted volume's is its family)
 * @param encrypted   whether payloads are stored AES-256-XTS encrypted under the volume's own data
 *                    key, wrapped by the pool's key-encryption key
 */
public record VolumeOptions(CompressionAlgorithm compression, boolean dedup, boolean encrypted) {
    public VolumeOptions {
        Objects.requireNonNull(compression, "compression");
    }

    /** LZ4, dedup off, encryption off. */
    public static VolumeOptions defaults() {
        return new VolumeOptions(CompressionAlgorithm.LZ4, false, false);
    }

    /** Compression off, dedup off, encryption off: blocks stored exactly as written. */
    public static VolumeOptions none() {
        return new VolumeOptions(CompressionAlgorithm.OFF, false, false);
    }
}
