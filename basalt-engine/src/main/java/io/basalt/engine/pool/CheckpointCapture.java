package io.basalt.engine.pool;

import io.basalt.engine.checkpoint.CheckpointState;
import io.basalt.engine.checkpoint.Checkpoints;
import io.basalt.engine.checkpoint.VolumeRecord;
import io.basalt.engine.gc.Cleaner;
import io.basalt.engine.log.LogStream;
import io.basalt.engine.log.LogWriter;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * What a checkpoint holds, taken from the engine's state ({@link Checkpoints.Capture}): the open
 * batches committed and synced first, so every address the maps name is on the devices, then the
 * counters, the stream positions and every image, parents first. Engine thread only.
 */
final class CheckpointCapture implements Checkpoints.Capture {
    private final EngineState state;
    private final WritePath writes;
    private final Cleaner cleaner;
    private final LogWriter log;

    CheckpointCapture(EngineState state, WritePath writes, Cleaner cleaner) {
        this.state = state;
        this.writes = writes;
        this.cleaner = cleaner;
        this.log = state.log;
    }

    @Override
    public CheckpointState capture(boolean frozen) throws IOException {
        writes.commit();
        cleaner.commitCold();
        log.sync();
        CheckpointState cp = new CheckpointState();
        cp.checkpointSeq = state.checkpointSeq + 1;
        cp.epoch = state.epoch;
        cp.nextSeq = log.nextSeq();
        cp.nextVolumeId = state.nextVolumeId;
        LogStream[] streams = state.streams;
        for (int i = 0; i < streams.length; i++) {
            cp.streamSegment[i] = streams[i].segment();
            cp.streamPosition[i] = streams[i].position();
            cp.streamNext[i] = streams[i].next();
        }
        for (EngineBlockStore v : state.volumes.values()) {
            if (v.parent == null) {
                addTree(cp, v, frozen);
            }
        }
        cp.extents = frozen ? state.extents.copy() : state.extents;
        return cp;
    }

    @Override
    public void durable(CheckpointState cp) {
        state.checkpointSeq = cp.checkpointSeq;
        state.checkpointFloor = cp.nextSeq;
    }

    /** Adds {@code image} and its descendants, parents first: each map is written as a delta against its parent's. */
    private static void addTree(CheckpointState cp, EngineBlockStore image, boolean frozen) {
        ArrayDeque<EngineBlockStore> todo = new ArrayDeque<>();
        todo.push(image);
        while (!todo.isEmpty()) {
            EngineBlockStore v = todo.pop();
            VolumeOptions o = v.options();
            cp.volumes.add(new VolumeRecord(v.id(), v.name(), v.blockSize(), v.capacityBytes(), v.volatileWriteCache(),
                    o.compression().tag(), o.dedup(), o.encrypted(), v.family(), v.wrappedKey, v.kind(), v.ownerId,
                    v.parent == null ? 0 : v.parent.id(), v.createdMillis));
            cp.maps.put(v.id(), frozen ? v.map.freeze() : v.map);
            for (EngineBlockStore c : v.children) {
                todo.push(c);
            }
        }
    }
}
