package io.basalt.target.transport;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** CRC32C over ByteBuf ranges without copying: the JDK's intrinsic over the buffer's own memory. */
final class Digests {
    private Digests() {
    }

    static int crc32c(CRC32C crc, ByteBuf buf, int index, int length) {
        crc.reset();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + index, length);
        } else if (buf.nioBufferCount() == 1) {
            crc.update(buf.internalNioBuffer(index, length));
        } else {
            for (ByteBuffer b : buf.nioBuffers(index, length)) {
                crc.update(b);
            }
        }
        return (int) crc.getValue();
    }
}
