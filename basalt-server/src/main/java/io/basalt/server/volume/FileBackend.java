package io.basalt.server.volume;

import io.basalt.block.BlockStore;
import io.basalt.control.volume.DataDirException;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.engine.file.FileBlockStore;

import java.io.IOException;

/** A sparse file in the data dir, named in the volume's metadata; the catalog deletes it with the volume. */
final class FileBackend implements VolumeBackend {
    private final VolumeCatalog catalog;

    FileBackend(VolumeCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public BlockStore open(VolumeMetadata v) throws DataDirException {
        try {
            return FileBlockStore.open(catalog.dataFile(v), v.sizeBytes(), v.blockSize());
        } catch (IOException e) {
            throw new DataDirException("cannot open volume " + v.name() + " (" + catalog.dataFile(v) + "): "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void grow(VolumeMetadata v, BlockStore store, long newSize) throws IOException {
        ((FileBlockStore) store).grow(newSize);
    }
}
