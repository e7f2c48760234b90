package io.basalt.server.volume;

import io.basalt.block.BlockStore;
import io.basalt.engine.pool.EngineBlockStore;
import io.basalt.engine.pool.VolumeUsage;

/**
 * A volume's space use as its store knows it: the engine reports what its data reduction saved,
 * other stores only what they allocated.
 *
 * @param mappedBytes   bytes the host wrote and has not trimmed
 * @param physicalBytes bytes those take on the devices
 */
public record SpaceUse(long mappedBytes, long physicalBytes, double compressionRatio, double dedupRatio) {
    /** Nothing used (an offline volume). */
    public static final SpaceUse NONE = new SpaceUse(0, 0, 1.0, 1.0);

    public static SpaceUse of(BlockStore store) {
        if (store instanceof EngineBlockStore e) {
            VolumeUsage u = e.usage();
            return new SpaceUse(u.mappedBytes(), u.physicalBytes(), u.compressionRatio(), u.dedupRatio());
        }
        long allocated = Math.max(0, store.allocatedBytes());
        return new SpaceUse(allocated, allocated, 1.0, 1.0);
    }
}
