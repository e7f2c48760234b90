package io.basalt.server.volume;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.engine.pool.EngineBlockStore;
import io.basalt.engine.pool.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Keeps the volume records the one truth about which volumes exist, and the engine pool a follower
 * of them. A delete forgets the record first and frees the pool image second, so a crash between
 * the two leaves an image no record names — never a record whose image is gone, which the next
 * start would have brought back as an empty volume. This check, run when the pool opens, frees such
 * images.
 *
 * <p>It only does so in the pool this data dir recorded as its own ({@link MetadataKeys#POOL}):
 * pointed at another data dir's devices, every image would look left over. A data dir that has no
 * record yet (written before the record existed) adopts the pool it opens and only reports what it
 * would free; one that recorded another pool refuses to open this one.
 */
final class PoolOwnership implements EnginePool.OpenCheck {
    private static final Logger LOG = LoggerFactory.getLogger(PoolOwnership.class);
    private static final String ID = "id";

    private final MetadataStore store;
    private final Supplier<Set<String>> recordedImages;
    private final VolumeListener listener;

    /**
     * @param recordedImages the pool image names the volume records name now (their UUIDs)
     */
    PoolOwnership(MetadataStore store, Supplier<Set<String>> recordedImages, VolumeListener listener) {
        this.store = store;
        this.recordedImages = recordedImages;
        this.listener = listener;
    }

    /** The check for the pool of a data dir whose volumes {@code catalog} holds. */
    static PoolOwnership of(VolumeCatalog catalog, VolumeListener listener) {
        return new PoolOwnership(catalog.metadata(), () -> catalog.all().stream()
                .map(v -> v.uuid().toString()).collect(Collectors.toSet()), listener);
    }

    @Override
    public void opened(Pool pool) throws IOException {
        String id = Long.toHexString(pool.poolId());
        Optional<MetadataEntry> recorded = read();
        if (recorded.isPresent() && !id.equals(recorded.get().fields().get(ID))) {
            throw new IOException("the engine pool's ID is " + id + " but this data dir's volumes live in pool "
                    + recorded.get().fields().get(ID) + " (" + MetadataKeys.POOL + ".properties): the devices "
                    + "belong to another data dir, or this data dir to other devices; start the brick with the "
                    + "data dir and devices that belong together");
        }
        Set<String> leftOver = leftOver(pool);
        if (recorded.isEmpty()) {
            record(id);
            for (String image : leftOver) {
                LOG.warn("Engine pool image {} is named by no volume record; it is kept, as this data dir had not "
                        + "yet recorded the pool as its own", image);
            }
            return;
        }
        for (String image : leftOver) {
            pool.deleteVolume(image);
            LOG.warn("Freed engine pool image {}: no volume record names it (a delete was interrupted)", image);
            listener.poolWarning("pool.image-freed", image,
                    "pool image named by no volume record freed (a delete was interrupted)");
        }
    }

    private Set<String> leftOver(Pool pool) throws IOException {
        Set<String> named = recordedImages.get();
        Set<String> images = pool.volumes().stream().map(EngineBlockStore::name)
                .collect(Collectors.toCollection(HashSet::new));
        images.removeAll(named);
        return images;
    }

    private Optional<MetadataEntry> read() throws IOException {
        try {
            return store.get(MetadataKeys.POOL);
        } catch (MetadataStoreException e) {
            throw new IOException("cannot read " + MetadataKeys.POOL + ": " + e.getMessage(), e);
        }
    }

    private void record(String id) throws IOException {
        try {
            store.put(MetadataKeys.POOL, Map.of(ID, id), MetadataStore.ABSENT);
        } catch (MetadataStoreException e) {
            throw new IOException("cannot record the engine pool as this data dir's: " + e.getMessage(), e);
        }
        LOG.info("Recorded engine pool {} as this data dir's", id);
    }
}
