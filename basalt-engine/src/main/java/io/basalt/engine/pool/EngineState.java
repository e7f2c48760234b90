package io.basalt.engine.pool;

import io.basalt.engine.gc.SegmentTable;
import io.basalt.engine.log.BatchReader;
import io.basalt.engine.log.LogStream;
import io.basalt.engine.log.LogWriter;
import io.basalt.engine.log.SegmentLayout;
import io.basalt.engine.map.ExtentTable;
import io.basalt.engine.services.KeyEncryptionKey;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the engine's parts share: where segments live, the segment table, the log streams and their
 * writer (which hands out the log's sequences), the volumes and the checkpoint counters. Owned by
 * the engine thread like everything it holds.
 */
final class EngineState {
    /** {@code seq = epoch << EPOCH_SHIFT | counter}: the counter orders ages, the epoch outranks older junk. */
    static final long EPOCH_SHIFT = 40;

    final SegmentLayout layout;
    final PoolConfig config;
    final long poolId;
    final SegmentTable table;
    /** Host writes and trims. */
    final LogStream hot;
    /**
     * The cleaner's copies, graded by how often the data survived cleaning ({@code gc[k]} is stream
     * {@code k}; {@code gc[0]} unused): survivors of cleaning are colder than new writes, and
     * survivors of survivors colder still, so cold data stops being mixed with lukewarm.
     */
    final LogStream[] gc = new LogStream[LogStream.STREAMS];
    /** Every stream by id: {@code hot} then the cleaner's. */
    final LogStream[] streams = new LogStream[LogStream.STREAMS];
    /** Reads batches back: the replay at recovery, then the victims' batches while cleaning. */
    final BatchReader reader;
    /** Writes every stream's batches and hands out the log's sequences. */
    final LogWriter log;
    /** Every image by id: volumes, snapshots and hidden snapshots (see {@link ImageTree}). */
    final Map<Integer, EngineBlockStore> volumes = new LinkedHashMap<>();
    final Map<Integer, Family> families = new HashMap<>();
    /** Dedup extents shared by map entries of dedup volumes. */
    final ExtentTable extents = new ExtentTable();

    long epoch;
    long checkpointSeq;
    /** The log's next sequence at the last durable checkpoint: segments written since are on the replay path. */
    long checkpointFloor;
    int nextVolumeId = 1;
    /** Wraps encrypted volumes' data keys; null if the pool was opened without one. */
    KeyEncryptionKey kek;

    EngineState(SegmentLayout layout, PoolConfig config, long poolId) {
        this.layout = layout;
        this.config = config;
        this.poolId = poolId;
        this.table = new SegmentTable(layout.segments(), layout.devices().size());
        this.hot = new LogStream(LogStream.HOT, config.maxBatchPayload());
        streams[LogStream.HOT] = hot;
        for (int k = LogStream.COLD; k < LogStream.STREAMS; k++) {
            gc[k] = new LogStream(k, config.maxBatchPayload());
            streams[k] = gc[k];
        }
        this.reader = new BatchReader(layout, poolId, config.maxBatchPayload());
        this.log = new LogWriter(layout, table, streams, poolId);
    }
}
