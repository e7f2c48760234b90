package io.basalt.nvme.tcp;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C, the NVMe/TCP header and data digest, over a ByteBuf range without copying or
 * allocating: the JDK's intrinsic runs over the buffer's own memory. The caller owns the
 * {@link CRC32C} (one per connection), so the digest path allocates nothing.
 */
public final class Crc32c {
    private Crc32c() {
    }

    /** The digest of {@code length} bytes at {@code index}, as the 32-bit value sent little endian. */
    public static int compute(CRC32C crc, ByteBuf buf, int index, int length) {
        crc.reset();
        update(crc, buf, index, length);
        return (int) crc.getValue();
    }

    /** Adds {@code length} bytes at {@code index} to a digest that spans several buffers. */
    public static void update(CRC32C crc, ByteBuf buf, int index, int length) {
        if (length == 0) {
            return;
        }
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + index, length);
        } else if (buf.nioBufferCount() == 1) {
            crc.update(buf.internalNioBuffer(index, length));
        } else {
            for (ByteBuffer b : buf.nioBuffers(index, length)) {
                crc.update(b);
            }
        }
    }
}
