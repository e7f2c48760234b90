package io.basalt.engine.device;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Direct buffers aligned for O_DIRECT, allocated once per owner and reused. */
public final class AlignedBuffers {
    private AlignedBuffers() {
    }

    /** A little-endian direct buffer of {@code size} bytes at a {@link BlockDevice#ALIGNMENT} boundary. */
    public static ByteBuffer allocate(int size) {
        if (size % BlockDevice.ALIGNMENT != 0) {
            throw new IllegalArgumentException("size must be a multiple of " + BlockDevice.ALIGNMENT + ": " + size);
        }
        return ByteBuffer.allocateDirect(size + BlockDevice.ALIGNMENT).alignedSlice(BlockDevice.ALIGNMENT)
                .limit(size).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    public static long alignUp(long value) {
        return (value + BlockDevice.ALIGNMENT - 1) & -BlockDevice.ALIGNMENT;
    }

    public static int alignUp(int value) {
        return (value + BlockDevice.ALIGNMENT - 1) & -BlockDevice.ALIGNMENT;
    }

    public static long alignDown(long value) {
        return value & -BlockDevice.ALIGNMENT;
    }
}
