package io.basalt.volume.chain;

import io.basalt.block.BlockStore;
import io.basalt.volume.VolumeIdentity;

/**
 * One store in a volume's {@link StoreChain}: given the store below it, a layer returns the store
 * above — a wrapper that adds a behaviour (replication's fan-out to the other bricks, say) or the
 * store below itself when the layer has nothing to add for that volume.
 *
 * <p>Lifecycle: {@link #wrap} once when the volume is exported, {@link #release} once when it stops
 * being exported (deleted, or the brick stopping). Both run on the management path; the store
 * returned by {@code wrap} is the one on the data path, so a layer allocates there, never per I/O.
 * A layer keeps what it built per volume (by UUID) and releases it; it never closes the store below,
 * which its owner closes after the whole chain is released.
 */
public interface StoreLayer {
    /**
     * The store this layer puts over {@code below} for the volume.
     *
     * @throws RuntimeException when the layer cannot serve the volume; the chain then releases the
     *                          layers it already built, below this one
     */
    BlockStore wrap(VolumeIdentity volume, BlockStore below);

    /** Releases what {@link #wrap} built for the volume; does nothing if it built nothing. */
    void release(VolumeIdentity volume);
}
