package io.basalt.engine.checkpoint;

/** A volume as the pool records it. Names are at most 255 UTF-8 bytes. */
public record VolumeRecord(int id, String name, int blockSize, long capacityBytes, boolean volatileWriteCache) {
}
