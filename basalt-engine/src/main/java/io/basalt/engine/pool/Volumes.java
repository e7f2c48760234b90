package io.basalt.engine.pool;

import io.basalt.engine.checkpoint.Checkpointer;
import io.basalt.engine.map.VolumeMap;

import java.io.IOException;

/**
 * Creates, resizes and deletes volumes (and deletes snapshots) on the engine thread. Each change is made durable by a
 * checkpoint before the call returns; space a shrink or delete drops is released at once.
 */
final class Volumes {
    private final Engine engine;
    private final EngineState state;
    private final SpaceAccounting space;
    private final WritePath writes;
    private final Checkpoints checkpoints;
    private final ImageTree tree;

    Volumes(Engine engine, EngineState state, SpaceAccounting space, WritePath writes, Checkpoints checkpoints,
            ImageTree tree) {
        this.engine = engine;
        this.state = state;
        this.space = space;
        this.writes = writes;
        this.checkpoints = checkpoints;
        this.tree = tree;
    }

    EngineBlockStore create(String name, long capacity, int blockSize, boolean vwc) throws IOException {
        checkRoomForVolume(state, tree);
        EngineBlockStore v = new EngineBlockStore(engine, state.nextVolumeId++, name, blockSize, capacity, vwc,
                new VolumeMap(capacity / blockSize));
        v.createdMillis = System.currentTimeMillis();
        tree.addVolume(v);
        checkpoints.checkpoint();
        return v;
    }

    /** Refuses a new volume past the pool's volume limit, or a new image past what a checkpoint holds. */
    static void checkRoomForVolume(EngineState state, ImageTree tree) {
        int max = state.config.maxVolumes();
        if (tree.volumeCount() >= max) {
            throw new IllegalArgumentException("the pool holds its maximum of " + max + " volumes");
        }
        checkRoomForImage(state);
    }

    static void checkRoomForImage(EngineState state) {
        int max = Checkpointer.maxImages(state.config.maxVolumes());
        if (state.volumes.size() >= max) {
            throw new IllegalArgumentException("the pool holds its maximum of " + max + " volumes and snapshots");
        }
    }

    void resize(EngineBlockStore v, long capacity) throws IOException {
        writes.commit();
        v.map.resize(capacity / v.blockSize(), space.releaser(v));
        v.setCapacity(capacity);
        checkpoints.checkpoint();
    }

    /** Deletes a volume or snapshot; blocks its family still holds stay (see {@link ImageTree#delete}). */
    void delete(EngineBlockStore v) throws IOException {
        writes.commit();
        tree.delete(v);
        checkpoints.checkpoint();
    }
}
