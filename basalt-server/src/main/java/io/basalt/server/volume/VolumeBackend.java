package io.basalt.server.volume;

import io.basalt.block.BlockStore;
import io.basalt.control.volume.Backend;
import io.basalt.control.volume.DataDirException;
import io.basalt.control.volume.VolumeException;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.control.volume.VolumeSpec;

import java.io.IOException;

/**
 * Where a volume's blocks live: one implementation per {@link Backend}, and one for read-only
 * snapshot exports. The only code that knows how each kind of store is opened, grown and deleted,
 * so the {@link VolumeManager} never asks which kind a volume has. Management plane only: the data
 * path uses the {@link BlockStore} {@link #open} returns, never this interface.
 */
interface VolumeBackend {
    /** Refuses a create this brick cannot serve (e.g. the engine backend on a brick without a pool). */
    default void checkCreate(VolumeSpec spec) throws VolumeException {
    }

    /** The volume's store, created on first use. */
    BlockStore open(VolumeMetadata v) throws DataDirException;

    /** Whether the volume takes its space from the engine pool (so counts towards its over-commit). */
    default boolean inPool() {
        return false;
    }

    /** Whether a volume of this backend can grow at all (none can shrink yet). */
    default boolean canGrow() {
        return true;
    }

    /** Grows an online volume's store to {@code newSize}; only called when {@link #canGrow}. */
    void grow(VolumeMetadata v, BlockStore store, long newSize) throws IOException;

    /** Whether the volume may have snapshots, which a delete must handle first. */
    default boolean hasSnapshots() {
        return false;
    }

    /**
     * Deletes the blocks the volume keeps outside the data dir (the catalog deletes data files);
     * a failure is logged, not thrown: the volume is going anyway.
     */
    default void delete(VolumeMetadata v) {
    }
}
