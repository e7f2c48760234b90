package io.basalt.engine.checkpoint;

import io.basalt.engine.map.ExtentTable;
import io.basalt.engine.map.VolumeMap;

import io.basalt.engine.log.LogStream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a checkpoint holds besides the segment table: counters, stream positions, volumes and maps. */
public final class CheckpointState {
    /** The checkpoint's own number; the newer valid slot wins. */
    public long checkpointSeq;
    public long epoch;
    /** Every batch with a lower sequence is reflected in this checkpoint; replay starts above it. */
    public long nextSeq;
    public int nextVolumeId = 1;
    public final int[] streamSegment = {-1, -1, -1};
    public final int[] streamPosition = new int[LogStream.STREAMS];
    public final int[] streamNext = {-1, -1, -1};
    public final List<VolumeRecord> volumes = new ArrayList<>();
    public final Map<Integer, VolumeMap> maps = new LinkedHashMap<>();
    /** Dedup extents: written from (LIVE ones), loaded into. */
    public ExtentTable extents = new ExtentTable();
}
