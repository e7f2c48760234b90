package io.basalt.server.volume;

import io.basalt.block.BlockStore;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.engine.ram.RamBlockStore;

/** Memory only: a fresh, zeroed store at every start; it cannot grow (the memory is sized once). */
final class RamBackend implements VolumeBackend {
    @Override
    public BlockStore open(VolumeMetadata v) {
        return new RamBlockStore(v.sizeBytes(), v.blockSize());
    }

    @Override
    public boolean canGrow() {
        return false;
    }

    @Override
    public void grow(VolumeMetadata v, BlockStore store, long newSize) {
        throw new IllegalStateException("the ram backend cannot grow a volume");
    }
}
