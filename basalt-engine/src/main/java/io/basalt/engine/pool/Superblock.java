package io.basalt.engine.pool;

import io.basalt.engine.device.AlignedBuffers;
import io.basalt.engine.device.BlockDevice;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The first 4 KiB of every device of a pool. Little-endian:
 *
 * <pre>
 *  0 magic u64 "BSLTPOOL" | 8 version u32 | 12 deviceIndex u32 | 16 poolId u64 | 24 deviceCount u32
 * 28 segmentSize u32 | 32 segmentsPerDevice u32 | 40 dataStart u64 | 48 checkpointSlotBytes u64
 * 56 checkpointStart u64 (device 0) | 4092 crc32c of bytes 0..4091
 * </pre>
 *
 * Written once at format and never again, so it cannot tear after that.
 */
public record Superblock(int deviceIndex, long poolId, int deviceCount, int segmentSize, int segmentsPerDevice,
                         long dataStart, long checkpointSlotBytes, long checkpointStart) {
    public static final long MAGIC = 0x4c4f4f50544c5342L; // "BSLTPOOL"
    public static final int VERSION = 1;
    public static final int SIZE = 4096;

    public void write(BlockDevice device) throws IOException {
        ByteBuffer b = AlignedBuffers.allocate(SIZE);
        b.putLong(0, MAGIC);
        b.putInt(8, VERSION);
        b.putInt(12, deviceIndex);
        b.putLong(16, poolId);
        b.putInt(24, deviceCount);
        b.putInt(28, segmentSize);
        b.putInt(32, segmentsPerDevice);
        b.putLong(40, dataStart);
        b.putLong(48, checkpointSlotBytes);
        b.putLong(56, checkpointStart);
        b.putInt(SIZE - 4, crc(b));
        device.write(0, b);
        device.sync();
    }

    /** Reads the superblock, or returns null if the device holds none (never formatted, or another format). */
    public static Superblock read(BlockDevice device) throws IOException {
        ByteBuffer b = AlignedBuffers.allocate(SIZE);
        device.read(0, b);
        if (b.getLong(0) != MAGIC) {
            return null;
        }
        if (b.getInt(SIZE - 4) != crc(b) || b.getInt(8) != VERSION) {
            throw new IOException(device.name() + ": damaged or unknown pool superblock");
        }
        return new Superblock(b.getInt(12), b.getLong(16), b.getInt(24), b.getInt(28), b.getInt(32), b.getLong(40),
                b.getLong(48), b.getLong(56));
    }

    private static int crc(ByteBuffer b) {
        CRC32C c = new CRC32C();
        c.update(b.duplicate().position(0).limit(SIZE - 4));
        return (int) c.getValue();
    }
}
