package io.basalt.engine.log;

import io.basalt.engine.device.BlockDevice;

import java.util.List;

/**
 * Where segments live: segment {@code s} is on device {@code s % N} at
 * {@code dataStart(device) + (s / N) * segmentSize}, so consecutive segments use different devices.
 */
public final class SegmentLayout {
    private final List<BlockDevice> devices;
    private final long[] dataStart;
    private final int segmentSize;
    private final int segments;

    public SegmentLayout(List<BlockDevice> devices, long[] dataStart, int segmentSize, int segmentsPerDevice) {
        this.devices = List.copyOf(devices);
        this.dataStart = dataStart.clone();
        this.segmentSize = segmentSize;
        this.segments = segmentsPerDevice * devices.size();
    }

    public int segmentSize() {
        return segmentSize;
    }

    public int segments() {
        return segments;
    }

    public List<BlockDevice> devices() {
        return devices;
    }

    public int deviceIndex(int segment) {
        return segment % devices.size();
    }

    public BlockDevice device(int segment) {
        return devices.get(segment % devices.size());
    }

    /** Byte position on {@link #device} of the given offset within the segment. */
    public long position(int segment, int offset) {
        return dataStart[segment % devices.size()] + (long) (segment / devices.size()) * segmentSize + offset;
    }
}
