package io.basalt.server.volume;

import io.basalt.block.BlockStore;
import io.basalt.control.volume.DataDirException;
import io.basalt.control.volume.VolumeException;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.engine.pool.EngineBlockStore;
import io.basalt.engine.pool.Pool;
import io.basalt.control.volume.VolumeSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * A thin volume of the brick's engine pool. Pool volumes are named by the volume's UUID, which
 * survives renames. A brick without devices has no pool: its engine volumes cannot be created
 * or opened.
 */
final class EngineBackend implements VolumeBackend {
    private static final Logger LOG = LoggerFactory.getLogger(EngineBackend.class);
    /** Null when the brick has no pool. */
    private final EnginePool engine;

    /** @param openCheck what must hold of the pool when it opens (see {@link PoolOwnership}) */
    EngineBackend(EnginePool engine, EnginePool.OpenCheck openCheck) {
        this.engine = engine;
        if (engine != null) {
            engine.onOpen(openCheck);
        }
    }

    @Override
    public void checkCreate(VolumeSpec spec) throws VolumeException {
        if (engine == null) {
            throw VolumeException.unsupported("this brick has no engine pool");
        }
        try {
            engine.requireKeyFor(spec.services(), spec.name());
        } catch (DataDirException e) {
            throw VolumeException.unsupported(e.getMessage());
        }
    }

    /** The volume's store in the pool, created there on first use. */
    @Override
    public BlockStore open(VolumeMetadata v) throws DataDirException {
        if (engine == null) {
            throw new DataDirException("volume " + v.name() + " uses the engine backend, and this brick has no pool");
        }
        engine.requireKeyFor(v.services(), v.name());
        try {
            Pool pool = engine.get();
            String key = v.uuid().toString();
            EngineBlockStore store = pool.volume(key);
            if (store == null) {
                return pool.createVolume(key, v.sizeBytes(), v.blockSize(), false, EnginePool.options(v.services()));
            }
            if (store.blockSize() != v.blockSize()) {
                throw new DataDirException("volume " + v.name() + " has " + store.blockSize()
                        + "-byte blocks in the pool but " + v.blockSize() + " in its metadata");
            }
            if (store.capacityBytes() < v.sizeBytes()) {
                pool.resizeVolume(key, v.sizeBytes());
            }
            return store;
        } catch (IOException | IllegalArgumentException e) {
            throw new DataDirException("cannot open volume " + v.name() + " in the engine pool: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean inPool() {
        return true;
    }

    @Override
    public void grow(VolumeMetadata v, BlockStore store, long newSize) throws IOException {
        engine.get().resizeVolume(v.uuid().toString(), newSize);
    }

    @Override
    public boolean hasSnapshots() {
        return engine != null;
    }

    @Override
    public void delete(VolumeMetadata v) {
        if (engine == null) {
            return;
        }
        try {
            engine.get().deleteVolume(v.uuid().toString());
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Deleting volume {} from the engine pool: {}", v.name(), e.getMessage());
        }
    }
}
