package io.basalt.initiator;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** CRC32C (the NVMe/TCP digest) over ByteBuf ranges without copying or allocating. */
final class Crc32c {
    private Crc32c() {
    }

    static int compute(CRC32C crc, ByteBuf buf, int index, int length) {
        crc.reset();
        update(crc, buf, index, length);
        return (int) crc.getValue();
    }

    static void update(CRC32C crc, ByteBuf buf, int index, int length) {
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
