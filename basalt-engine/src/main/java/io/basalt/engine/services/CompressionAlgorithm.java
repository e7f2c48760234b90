package io.basalt.engine.services;

import java.util.Locale;

/**
 * The per-volume compression setting ({@code compression=lz4|zstd|off}). The {@link #tag()} is
 * the byte a compressed payload starts with (see {@link CompressedPayload}), so a block keeps
 * decoding after its volume's setting changes.
 */
public enum CompressionAlgorithm {
    OFF(0),
    LZ4(1),
    ZSTD(2);

    private final int tag;

    CompressionAlgorithm(int tag) {
        this.tag = tag;
    }

    /** The payload header's codec byte; 0 for {@link #OFF}, which never produces a compressed payload. */
    public int tag() {
        return tag;
    }

    /** The setting as written in configuration: {@code lz4}, {@code zstd} or {@code off}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a configuration value, case-insensitively. */
    public static CompressionAlgorithm parse(String value) {
        for (CompressionAlgorithm a : values()) {
            if (a.configName().equalsIgnoreCase(value.strip())) {
                return a;
            }
        }
        throw new IllegalArgumentException("compression must be lz4, zstd or off, not '" + value + "'");
    }
}
