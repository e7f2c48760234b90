package io.basalt.server.volume;

import io.basalt.block.BlockStore;
import io.basalt.control.volume.VolumeMetadata;

/**
 * What stands between a volume's namespace and its local store: nothing on a brick of its own; on a
 * cluster's brick, the replication store that fans the primary's writes out to the other replicas.
 */
public interface StoreChain {
    /** No chain: hosts reach the local store itself. */
    StoreChain NONE = new StoreChain() {
        @Override
        public BlockStore exported(VolumeMetadata v, BlockStore local) {
            return local;
        }

        @Override
        public void unexported(VolumeMetadata v) {
        }
    };

    /** The store the volume's namespace exports: {@code local}, or a store wrapping it. */
    BlockStore exported(VolumeMetadata v, BlockStore local);

    /** The volume stops being exported (deleted, or the brick stopping): release what {@link #exported} built. */
    void unexported(VolumeMetadata v);
}
