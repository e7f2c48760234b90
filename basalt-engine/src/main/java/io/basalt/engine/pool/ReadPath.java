package io.basalt.engine.pool;

import io.basalt.engine.BlockIo;
import io.basalt.engine.IoStatus;
import io.basalt.engine.device.AlignedBuffers;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.log.BatchFormat;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.log.SegmentLayout;
import io.basalt.engine.map.ExtentTable;
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
    private final ExtentTable extents;
    private final ByteBuffer readBuffer;
    private final ByteBuffer readView;
    /** Written by the engine thread only; read by stats from any thread. */
    private volatile long checksumErrors;

    ReadPath(SegmentLayout layout, PoolConfig config, PayloadPipeline payloads, ExtentTable extents) {
        this.layout = layout;
        this.extents = extents;
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
            long a = place(map.get(lba + i));
            if (a == PhysAddr.NONE) {
                dst.writeZero(v.blockSize());
                i++;
                continue;
            }
            int seg = PhysAddr.segment(a);
            int start = PhysAddr.offset(a);
            int end = start + PhysAddr.length(a);
            int j = i + 1;
            for (long b; j < n && (b = place(map.get(lba + j))) != PhysAddr.NONE && PhysAddr.segment(b) == seg
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
                long e = map.get(lba + k);
                boolean shared = PhysAddr.isExtent(e);
                long id = PhysAddr.extentId(e);
                long b = shared ? extents.address(id) : e;
                int at = PhysAddr.offset(b) - windowStart;
                boolean ok = shared
                        ? payloads.decode(v, BatchFormat.EXTENT_SEED, id, b, extents.crc(id), readView, at, dst)
                        : payloads.decode(v, v.family(), lba + k, b, map.crc(lba + k), readView, at, dst);
                if (!ok) {
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

    /** Where a map entry's payload is: the entry itself, or its extent's address. */
    private long place(long entry) {
        return PhysAddr.isExtent(entry) ? extents.address(PhysAddr.extentId(entry)) : entry;
    }

    long checksumErrors() {
        return checksumErrors;
    }
}
