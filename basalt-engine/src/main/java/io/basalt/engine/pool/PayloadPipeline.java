package io.basalt.engine.pool;

import io.basalt.engine.log.BatchFormat;
import io.basalt.engine.log.LogStream;
import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static io.basalt.engine.log.BatchFormat.TYPE_WRITE;

/**
 * Turns a host block into the payload the log stores, and a stored payload back into the host block.
 * Today a payload is the block itself with a CRC32C seeded by {@code (familyId, lba)}; the per-volume
 * data services (dedup, compression, encryption — then the checksum of what is stored) belong here,
 * and the write and read paths call nothing else to transform data.
 */
final class PayloadPipeline {
    private final CRC32C crc = new CRC32C();

    /** Appends the host block at {@code src[index]} to the batch as a WRITE entry, checksummed. */
    void append(LogStream batch, EngineBlockStore v, long lba, ByteBuf src, int index) {
        int bs = v.blockSize();
        int e = batch.append(TYPE_WRITE, v.id(), lba, 0, 0, src, index, bs);
        batch.setFamily(e, v.familyId());
        batch.setCrc(e, BatchFormat.payloadCrc(batch.payload(), batch.payloadIndex(e), bs, v.familyId(), lba, crc));
    }

    /**
     * Checks the payload at {@code window[at, at + len)} against the map's {@code expectedCrc} and
     * writes the host block to {@code dst}; false, writing nothing, if the checksum fails.
     */
    boolean decode(EngineBlockStore v, long lba, ByteBuffer window, int at, int len, int expectedCrc, ByteBuf dst) {
        if (BatchFormat.payloadCrc(window, at, len, v.familyId(), lba, crc) != expectedCrc) {
            return false;
        }
        dst.writeBytes(window.limit(at + len).position(at));
        return true;
    }
}
