package io.basalt.api.model;

/**
 * A snapshot of a volume: read-only, crash-consistent, sharing unchanged blocks with its volume.
 *
 * @param name        unique among the volume's snapshots
 * @param volume      the volume it was taken of
 * @param sizeBytes   the volume's size when it was taken
 * @param mappedBytes bytes of data it holds (shared with its volume and clones or not)
 * @param createdAt   ISO-8601
 */
public record SnapshotView(String name, String volume, int id, long sizeBytes, int blockSize, long mappedBytes,
                           String createdAt) {
}
