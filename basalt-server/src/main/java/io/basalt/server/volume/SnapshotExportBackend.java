package io.basalt.server.volume;

import io.basalt.block.BlockStore;
import io.basalt.control.volume.DataDirException;
import io.basalt.control.volume.VolumeMetadata;

/**
 * A snapshot of an engine volume, exported read-only: it has no space, snapshots or size of its
 * own, so nothing to grow or delete (deleting the export leaves the snapshot).
 */
final class SnapshotExportBackend implements VolumeBackend {
    private final Snapshots snapshots;

    SnapshotExportBackend(Snapshots snapshots) {
        this.snapshots = snapshots;
    }

    @Override
    public BlockStore open(VolumeMetadata v) throws DataDirException {
        return snapshots.openExport(v);
    }

    @Override
    public boolean canGrow() {
        return false;
    }

    @Override
    public void grow(VolumeMetadata v, BlockStore store, long newSize) {
        throw new IllegalStateException("a snapshot export cannot change size");
    }
}
