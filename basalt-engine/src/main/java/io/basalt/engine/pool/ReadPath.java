package io.basalt.engine.pool;

import io.basalt.engine.BlockIo;
import io.basalt.engine.IoStatus;
import io.basalt.engine.device.AlignedBuffers;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.log.SegmentLayout;
import io.basalt.engine.map.VolumeMap;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Serves reads on the engine thread: unmapped blocks read as zeroes, physically contiguous runs are
 * read in one aligned device read into a buffer allocated once, and every payload is checked and
 * turned back into its host block by the {@link PayloadPipeline}.
 */
final class ReadPath {
    private static final Logger LOG = LoggerFactory.getLogger(ReadPath.class);

    private final SegmentLayout layout;
    private final PayloadPipeline payloads;
    private final ByteBuffer readBuffer;
    private final ByteBuffer readView;
    /** Written by the engine thread only; read by stats from any thread. */
    private volatile long checksumErrors;

    ReadPath(SegmentLayout layout, PoolConfig config, PayloadPipeline payloads) {
        this.layout = layout;
        this.payloads = payloads;
        this.readBuffer = AlignedBuffers.allocate(config.maxBatchPayload() + 2 * BlockDevice.ALIGNMENT);
        this.readView = readBuffer.duplicate();
    }

    /** Reads {@code io}'s range (already checked to lie within the volume) into its buffer; returns the status. */
    int read(EngineBlockStore v, BlockIo io) {
        VolumeMap map = v.map;
        long lba = io.offset() >> v.blockShift();
        int n = io.length() >> v.blockShift();
        ByteBuf dst = io.buffer();
        int max = readBuffer.capacity() - 2 * BlockDevice.ALIGNMENT;
        for (int i = 0; i < n; ) {
            long a = map.get(lba + i);
            if (a == PhysAddr.NONE) {
                dst.writeZero(v.blockSize());
                i++;
                continue;
            }
            int seg = PhysAddr.segment(a);
            int start = PhysAddr.offset(a);
            int end = start + PhysAddr.length(a);
            int j = i + 1;
            for (long b; j < n && (b = map.get(lba + j)) != PhysAddr.NONE && PhysAddr.segment(b) == seg
                    && PhysAddr.offset(b) == end && end + PhysAddr.length(b) - start <= max; j++) {
                end += PhysAddr.length(b);
            }
            int windowStart = start & -BlockDevice.ALIGNMENT;
            int windowLength = AlignedBuffers.alignUp(end) - windowStart;
            try {
                layout.device(seg).read(layout.position(seg, windowStart), readBuffer.clear().limit(windowLength));
            } catch (IOException e) {
                LOG.warn("{}: reading blocks {}+{} at segment {} failed: {}", v, lba + i, j - i, seg, e.toString());
                return IoStatus.READ_ERROR;
            }
            for (int k = i; k < j; k++) {
                long b = map.get(lba + k);
                int at = PhysAddr.offset(b) - windowStart;
                if (!payloads.decode(v, v.family(), lba + k, b, map.crc(lba + k), readView, at, dst)) {
                    checksumErrors++;
                    LOG.error("{}: block {} at {} fails its checksum; returning a read error", v, lba + k,
                            PhysAddr.toString(b));
                    return IoStatus.READ_ERROR;
                }
            }
            i = j;
        }
        return IoStatus.OK;
    }

    long checksumErrors() {
        return checksumErrors;
    }
}
