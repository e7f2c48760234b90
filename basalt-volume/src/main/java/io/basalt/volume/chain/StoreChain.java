package io.basalt.volume.chain;

import io.basalt.block.BlockStore;
import io.basalt.volume.VolumeIdentity;

import java.util.List;

/**
 * The stores between a volume's host-facing side and its local store, as an ordered list of
 * {@link StoreLayer}s, the first directly over the local store. On a brick of its own the chain is
 * {@link #NONE} and hosts reach the local store itself; on a cluster's brick replication is one
 * layer, and further ones (a cache, a migration mirror) stack the same way.
 *
 * <p>The chain is composed when the volume is exported and released, top layer first, when it is no
 * longer: the data path sees only the finished top store, so a chain costs nothing per I/O beyond
 * the layers' own work. Immutable and shared by every volume of a brick.
 */
public final class StoreChain {
    /** No layers: a volume exports its local store. */
    public static final StoreChain NONE = new StoreChain(List.of());

    private final List<StoreLayer> layers;

    /** @param layers bottom first: {@code layers.get(0)} wraps the local store */
    public StoreChain(List<StoreLayer> layers) {
        this.layers = List.copyOf(layers);
    }

    /** A chain of these layers, bottom first. */
    public static StoreChain of(StoreLayer... layers) {
        return new StoreChain(List.of(layers));
    }

    /** The layers, bottom first. */
    public List<StoreLayer> layers() {
        return layers;
    }

    /**
     * Builds the volume's chain over its local store, bottom layer first, and returns the top store:
     * the one hosts reach. If a layer fails, the layers already built are released, top first, and
     * the failure is thrown; the local store is left open for its owner.
     */
    public BlockStore build(VolumeIdentity volume, BlockStore local) {
        BlockStore top = local;
        for (int i = 0; i < layers.size(); i++) {
            try {
                top = layers.get(i).wrap(volume, top);
            } catch (RuntimeException e) {
                RuntimeException releasing = releaseBelow(i, volume);
                if (releasing != null) {
                    e.addSuppressed(releasing);
                }
                throw e;
            }
        }
        return top;
    }

    /**
     * Releases what {@link #build} built for the volume, top layer first (the reverse of building, so
     * no layer outlives one below it). Every layer is released even if one fails; the first failure
     * is thrown after, with later ones suppressed.
     */
    public void release(VolumeIdentity volume) {
        RuntimeException failure = releaseBelow(layers.size(), volume);
        if (failure != null) {
            throw failure;
        }
    }

    /** Releases layers {@code [0, end)}, top first; returns the first failure (later ones suppressed), or null. */
    private RuntimeException releaseBelow(int end, VolumeIdentity volume) {
        RuntimeException failure = null;
        for (int i = end - 1; i >= 0; i--) {
            try {
                layers.get(i).release(volume);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        return failure;
    }
}
