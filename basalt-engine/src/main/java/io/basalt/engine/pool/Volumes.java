package io.basalt.engine.pool;

import io.basalt.engine.checkpoint.Checkpointer;
import io.basalt.engine.checkpoint.Checkpoints;
import io.basalt.engine.map.VolumeMap;
import io.basalt.engine.services.DataKey;
import io.basalt.engine.services.KeyEncryptionKey;
import io.basalt.engine.services.KeyUnwrapException;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

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
    private static final SecureRandom RANDOM = new SecureRandom();

    Volumes(Engine engine, EngineState state, SpaceAccounting space, WritePath writes, Checkpoints checkpoints,
            ImageTree tree) {
        this.engine = engine;
        this.state = state;
        this.space = space;
        this.writes = writes;
        this.checkpoints = checkpoints;
        this.tree = tree;
    }

    EngineBlockStore create(String name, long capacity, int blockSize, boolean vwc, VolumeOptions options)
            throws IOException {
        checkRoomForVolume(state, tree);
        DataKey key = null;
        byte[] wrapped = null;
        if (options.encrypted()) {
            if (state.kek == null) {
                throw new IllegalArgumentException("volume " + name + " is to be encrypted, but the pool has no"
                        + " key-encryption key (give one with --kek-file)");
            }
            key = DataKey.generate(RANDOM);
            wrapped = state.kek.wrap(key);
        }
        int id = state.nextVolumeId++;
        EngineBlockStore v = new EngineBlockStore(engine, id, name, blockSize, capacity, vwc,
                new VolumeMap(capacity / blockSize), options, id, key, wrapped);
        v.createdMillis = System.currentTimeMillis();
        tree.addVolume(v);
        try {
            checkpoints.checkpoint();
        } catch (IOException | RuntimeException e) {
            tree.delete(v);
            throw e;
        }
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

    /** Re-wraps every encrypted volume's key under {@code newKek}, then checkpoints; on failure, nothing changed. */
    void rotateKek(KeyEncryptionKey newKek) throws IOException {
        KeyEncryptionKey old = state.kek;
        List<EngineBlockStore> encrypted = new ArrayList<>();
        List<byte[]> rewrapped = new ArrayList<>();
        for (EngineBlockStore v : state.volumes.values()) {
            if (v.wrappedKey != null) {
                if (old == null) {
                    throw new IllegalStateException("encrypted volumes without a KEK");
                }
                try {
                    rewrapped.add(KeyEncryptionKey.rewrap(v.wrappedKey, old, newKek));
                } catch (KeyUnwrapException e) {
                    throw new IOException(v + ": " + e.getMessage());
                }
                encrypted.add(v);
            }
        }
        List<byte[]> before = new ArrayList<>();
        for (int i = 0; i < encrypted.size(); i++) {
            before.add(encrypted.get(i).wrappedKey);
            encrypted.get(i).wrappedKey = rewrapped.get(i);
        }
        state.kek = newKek;
        try {
            checkpoints.checkpoint();
        } catch (IOException | RuntimeException e) {
            // The previous checkpoint (old KEK) still stands; the next one must not mix keys either.
            for (int i = 0; i < encrypted.size(); i++) {
                encrypted.get(i).wrappedKey = before.get(i);
            }
            state.kek = old;
            throw e;
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
