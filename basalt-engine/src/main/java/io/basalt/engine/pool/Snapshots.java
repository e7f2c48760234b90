package io.basalt.engine.pool;

import io.basalt.engine.checkpoint.Checkpoints;
import io.basalt.engine.log.LogWriter;

import java.io.IOException;

/**
 * Takes snapshots, clones and rollbacks on the engine thread. A snapshot is a SNAPSHOT record in the
 * hot stream, applied in order with the writes around it and durable with one batch write and sync
 * — no checkpoint, so I/O pauses for about one group commit. Clones and rollbacks change more
 * than one image and are rare: each is made durable by a checkpoint before the call returns.
 */
final class Snapshots {
    private final EngineState state;
    private final WritePath writes;
    private final LogWriter log;
    private final Checkpoints checkpoints;
    private final ImageTree tree;

    Snapshots(EngineState state, WritePath writes, LogWriter log, Checkpoints checkpoints, ImageTree tree) {
        this.state = state;
        this.writes = writes;
        this.log = log;
        this.checkpoints = checkpoints;
        this.tree = tree;
    }

    /** Snapshot of volume {@code v}, holding every write completed before the call; durable on return. */
    EngineBlockStore create(EngineBlockStore v, String name) throws IOException {
        Volumes.checkRoomForImage(state);
        int id = state.nextVolumeId++;
        if (!writes.appendSnapshot(v, id, name, System.currentTimeMillis())) {
            throw new IOException("no room in the log for a snapshot record");
        }
        writes.commit();
        EngineBlockStore s = state.volumes.get(id);
        if (s == null) {
            throw new IOException("writing the snapshot record failed");
        }
        log.sync();
        return s;
    }

    /** A new volume from snapshot {@code s}, sharing all of its blocks; durable on return. */
    EngineBlockStore clone(EngineBlockStore s, String name, boolean volatileWriteCache) throws IOException {
        Volumes.checkRoomForVolume(state, tree);
        writes.commit();
        EngineBlockStore c = tree.clone(s, state.nextVolumeId++, name, volatileWriteCache, System.currentTimeMillis());
        checkpoints.checkpoint();
        return c;
    }

    /** Volume {@code v} takes snapshot {@code s}'s contents; durable on return. */
    void rollback(EngineBlockStore v, EngineBlockStore s) throws IOException {
        writes.commit();
        tree.rollback(v, s);
        checkpoints.checkpoint();
    }
}
