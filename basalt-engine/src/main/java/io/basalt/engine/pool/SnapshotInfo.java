package io.basalt.engine.pool;

/**
 * A snapshot as the pool reports it, taken on the engine thread.
 *
 * @param id            the snapshot's image id (unique in the pool, never reused)
 * @param name          unique among the snapshots of its volume
 * @param volumeId      the volume it was taken of
 * @param volumeName    that volume's name, or null once the volume is deleted (the snapshot lives on)
 * @param createdMillis creation time, ms since the epoch
 * @param capacityBytes the volume's size when the snapshot was taken
 * @param blockSize     the volume's block size
 * @param mappedBytes   payload bytes the snapshot maps, shared with its volume or clones or not
 */
public record SnapshotInfo(int id, String name, int volumeId, String volumeName, long createdMillis,
                           long capacityBytes, int blockSize, long mappedBytes) {
}
