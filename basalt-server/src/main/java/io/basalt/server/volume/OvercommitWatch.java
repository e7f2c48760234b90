package io.basalt.server.volume;

import io.basalt.control.volume.VolumeMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Predicate;

/**
 * How far the engine pool is over-committed: the sizes of the volumes in it against its usable
 * space. Warns (a {@code pool.overcommitted} event) when a change takes the pool over the ratio.
 * Called with the {@link VolumeManager}'s lock held.
 */
final class OvercommitWatch {
    /** Logged as the manager, where these warnings were logged before they had a class. */
    private static final Logger LOG = LoggerFactory.getLogger(VolumeManager.class);
    private final VolumeCatalog catalog;
    private final Predicate<VolumeMetadata> inPool;
    /** Null when the brick has no pool. */
    private final EnginePool engine;
    private final VolumeListener listener;

    OvercommitWatch(VolumeCatalog catalog, Predicate<VolumeMetadata> inPool, EnginePool engine,
                    VolumeListener listener) {
        this.catalog = catalog;
        this.inPool = inPool;
        this.engine = engine;
        this.listener = listener;
    }

    /** The sizes of the volumes in the engine pool (read-only snapshot exports have no space of their own). */
    long provisionedBytes() {
        return catalog.all().stream().filter(inPool).mapToLong(VolumeMetadata::sizeBytes).sum();
    }

    Overcommit now() {
        var stats = PoolCapacity.stats(engine);
        return new Overcommit(provisionedBytes(), stats == null ? 0 : stats.usableBytes());
    }

    /**
     * Records a {@code pool.overcommitted} warning when the brick starts over-committed. Creates and
     * resizes check for themselves; this catches what takes the pool over while no brick runs: volumes
     * given to serve (--volume, the config file) and less usable space (a larger --overprovision).
     * A brick that restarts over-committed records it again: each start is a new look at the pool.
     * Not logged here: {@code basalt serve} prints the same warning on its stderr.
     */
    void noteAtStart() {
        Overcommit now = now();
        if (now.warns()) {
            listener.poolWarning("pool.overcommitted", "engine pool", now.describe());
        }
    }

    /** Records a {@code pool.overcommitted} warning when a change takes the pool over the ratio: once per crossing. */
    void noteCrossing(Overcommit before, String volume) {
        Overcommit after = now();
        if (after.warns() && !before.warns()) {
            LOG.warn("Volume {}: {}", volume, after.describe());
            listener.poolWarning("pool.overcommitted", volume, after.describe());
        }
    }
}
