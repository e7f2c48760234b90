package io.basalt.engine.pool;

import io.basalt.engine.map.VolumeMap;

import java.io.IOException;

/**
 * Creates, resizes and deletes volumes on the engine thread. Each change is made durable by a
 * checkpoint before the call returns; space a shrink or delete drops is released at once.
 */
final class Volumes {
    private final Engine engine;
    private final EngineState state;
    private final SpaceAccounting space;
    private final WritePath writes;
    private final Checkpoints checkpoints;

    Volumes(Engine engine, EngineState state, SpaceAccounting space, WritePath writes, Checkpoints checkpoints) {
        this.engine = engine;
        this.state = state;
        this.space = space;
        this.writes = writes;
        this.checkpoints = checkpoints;
    }

    EngineBlockStore create(String name, long capacity, int blockSize, boolean vwc) throws IOException {
        int max = state.config.maxVolumes();
        if (state.volumes.size() >= max) {
            throw new IllegalArgumentException("the pool holds its maximum of " + max + " volumes");
        }
        EngineBlockStore v = new EngineBlockStore(engine, state.nextVolumeId++, name, blockSize, capacity, vwc,
                new VolumeMap(capacity / blockSize));
        state.volumes.put(v.id(), v);
        checkpoints.checkpoint();
        return v;
    }

    void resize(EngineBlockStore v, long capacity) throws IOException {
        writes.commit();
        v.map.resize(capacity / v.blockSize(), space.releaser(v));
        v.setCapacity(capacity);
        checkpoints.checkpoint();
    }

    void delete(EngineBlockStore v) throws IOException {
        writes.commit();
        v.markDeleted();
        v.map.clearRange(0, v.map.blocks(), space.releaser(v));
        state.volumes.remove(v.id());
        checkpoints.checkpoint();
    }
}
