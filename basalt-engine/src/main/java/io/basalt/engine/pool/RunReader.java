package io.basalt.engine.pool;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.engine.device.AlignedBuffers;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.log.SegmentLayout;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads a resolved {@link ReadRequest}: unmapped blocks read as zeroes, physically contiguous runs are
 * read in one aligned device read into a buffer allocated once, and every payload is checked and
 * turned back into its host block by a {@link PayloadDecoder} (checksum, decryption, decompression) —
 * or, where {@link #inPlaceAddress} allows, the runs are read straight into the caller's buffer and
 * only checked (no copy).
 * One per thread that reads (each {@link Reader}, with its own decoder, and the engine thread for the
 * reads it serves itself, with the pipeline's); not thread-safe.
 */
final class RunReader {
    private static final Logger LOG = LoggerFactory.getLogger(RunReader.class);

    private final SegmentLayout layout;
    private final PayloadDecoder decoder;
    private final ByteBuffer buffer;
    private final ByteBuffer view;
    private final int maxRun;
    /** {@link PoolConfig#readInPlace()} when the pool opened. */
    private final boolean inPlaceAllowed = PoolConfig.readInPlace();
    /** Written by the owning thread only; read by stats from any thread. */
    private volatile long checksumErrors;
    /** Reads done in place ({@link #readInPlace}); written by the owning thread only. */
    private volatile long readsInPlace;

    RunReader(SegmentLayout layout, PoolConfig config, PayloadDecoder decoder) {
        this.layout = layout;
        this.decoder = decoder;
        this.buffer = AlignedBuffers.allocate(config.maxBatchPayload() + 2 * BlockDevice.ALIGNMENT);
        this.view = buffer.duplicate();
        this.maxRun = config.maxBatchPayload();
    }

    /** Appends the request's blocks to {@code dst}; returns the status (stops at the first failure). */
    int read(ReadRequest r, ByteBuf dst) {
        if (inPlaceAllowed && inPlaceAddress(r, dst) >= 0) {
            return readInPlace(r, dst);
        }
        EngineBlockStore v = r.volume;
        long[] addresses = r.addresses;
        int n = r.blocks;
        for (int i = 0; i < n; ) {
            long a = addresses[i];
            if (a == PhysAddr.NONE) {
                dst.writeZero(v.blockSize());
                i++;
                continue;
            }
            int seg = PhysAddr.segment(a);
            int j = runEnd(addresses, i, n, maxRun);
            int windowStart = windowStart(a);
            int windowLength = windowEnd(addresses[j - 1]) - windowStart;
            try {
                layout.device(seg).read(layout.position(seg, windowStart), buffer.clear().limit(windowLength));
            } catch (IOException e) {
                LOG.warn("{}: reading blocks {}+{} at segment {} failed: {}", v, r.lba + i, j - i, seg, e.toString());
                return IoStatus.READ_ERROR;
            }
            for (int k = i; k < j; k++) {
                if (!decode(decoder, r, k, view, PhysAddr.offset(addresses[k]) - windowStart, dst)) {
                    checksumErrors++;
                    return IoStatus.READ_ERROR;
                }
            }
            i = j;
        }
        return IoStatus.OK;
    }

    /**
     * The native address where the request's first block belongs in {@code dst} if every block can be
     * read straight into it, or -1: the volume is not encrypted and its blocks are whole device
     * blocks, every mapped block is stored uncompressed at an aligned offset (so a run of them is
     * exactly the bytes the host gets), and {@code dst} is direct memory, aligned at its writer index
     * and with room for every block.
     */
    static long inPlaceAddress(ReadRequest r, ByteBuf dst) {
        EngineBlockStore v = r.volume;
        int blockSize = v.blockSize();
        if (v.key() != null || blockSize % BlockDevice.ALIGNMENT != 0 || !dst.hasMemoryAddress()
                || dst.writableBytes() < r.blocks * blockSize) {
            return -1;
        }
        long base = dst.memoryAddress() + dst.writerIndex();
        if ((base & (BlockIo.BUFFER_ALIGNMENT - 1)) != 0) {
            return -1;
        }
        long[] addresses = r.addresses;
        for (int k = 0; k < r.blocks; k++) {
            long a = addresses[k];
            if (a != PhysAddr.NONE && (PhysAddr.isCompressed(a) || PhysAddr.length(a) != blockSize
                    || (PhysAddr.offset(a) & (BlockDevice.ALIGNMENT - 1)) != 0)) {
                return -1;
            }
        }
        return base;
    }

    /**
     * Reads a request {@link #inPlaceAddress} admits straight into {@code dst}: each run into the
     * buffer's own memory where its blocks belong, then their CRCs checked; the writer index moves
     * over the blocks only if all of them pass.
     */
    private int readInPlace(ReadRequest r, ByteBuf dst) {
        long[] addresses = r.addresses;
        int n = r.blocks;
        int blockSize = r.volume.blockSize();
        int from = dst.writerIndex();
        for (int k = 0; k < n; k++) {
            if (addresses[k] == PhysAddr.NONE) {
                dst.setZero(from + k * blockSize, blockSize);
            }
        }
        // The buffer's own cached view of its memory (pooled buffers keep one): no allocation.
        ByteBuffer memory = dst.internalNioBuffer(from, n * blockSize);
        int base = memory.position();
        for (int i = 0; i < n; ) {
            long a = addresses[i];
            if (a == PhysAddr.NONE) {
                i++;
                continue;
            }
            int seg = PhysAddr.segment(a);
            int j = runEnd(addresses, i, n, maxRun);
            try {
                layout.device(seg).read(layout.position(seg, PhysAddr.offset(a)),
                        memory.limit(base + j * blockSize).position(base + i * blockSize));
            } catch (IOException e) {
                LOG.warn("{}: reading blocks {}+{} at segment {} failed: {}", r.volume, r.lba + i, j - i, seg,
                        e.toString());
                return IoStatus.READ_ERROR;
            }
            if (!checkInPlace(decoder, r, i, j, memory, base)) {
                checksumErrors++;
                return IoStatus.READ_ERROR;
            }
            i = j;
        }
        dst.writerIndex(from + n * blockSize);
        readsInPlace++;
        return IoStatus.OK;
    }

    /**
     * Whether the mapped blocks {@code from..to} of {@code r}, read in place into {@code memory} (block
     * 0 at {@code base}), match their CRCs; logs the first that does not.
     */
    static boolean checkInPlace(PayloadDecoder decoder, ReadRequest r, int from, int to, ByteBuffer memory, int base) {
        int blockSize = r.volume.blockSize();
        for (int k = from; k < to; k++) {
            if (r.addresses[k] != PhysAddr.NONE
                    && !decoder.checks(r.seeds[k], r.units[k], r.crcs[k], memory, base + k * blockSize, blockSize)) {
                logCorrupt(r, k);
                return false;
            }
        }
        return true;
    }

    /**
     * Turns block {@code k} of {@code r}, its payload at {@code window[at...]}, back into its host block
     * appended to {@code dst}; false, logged, if it fails its checksum or does not decode.
     */
    static boolean decode(PayloadDecoder decoder, ReadRequest r, int k, ByteBuffer window, int at, ByteBuf dst) {
        long b = r.addresses[k];
        // The seam for data services: decode undoes what the write path's append did.
        if (decoder.decode(r.volume, r.seeds[k], r.units[k], b, r.crcs[k], window, at, dst)) {
            return true;
        }
        logCorrupt(r, k);
        return false;
    }

    /** Logs that block {@code k} of {@code r} failed its checksum or did not decode. */
    private static void logCorrupt(ReadRequest r, int k) {
        LOG.error("{}: block {} at {} fails its checksum; returning a read error", r.volume, r.lba + k,
                PhysAddr.toString(r.addresses[k]));
    }

    /**
     * The end (exclusive) of the run of blocks that starts at mapped block {@code i}: the blocks after it
     * stored right behind it in the same segment, up to {@code maxRun} bytes, read in one device read.
     */
    static int runEnd(long[] addresses, int i, int n, int maxRun) {
        long a = addresses[i];
        int seg = PhysAddr.segment(a);
        int start = PhysAddr.offset(a);
        int end = start + PhysAddr.length(a);
        int j = i + 1;
        for (long b; j < n && (b = addresses[j]) != PhysAddr.NONE && PhysAddr.segment(b) == seg
                && PhysAddr.offset(b) == end && end + PhysAddr.length(b) - start <= maxRun; j++) {
            end += PhysAddr.length(b);
        }
        return j;
    }

    /** Where the aligned device read of a run starting with the payload at {@code first} begins in its segment. */
    static int windowStart(long first) {
        return PhysAddr.offset(first) & -BlockDevice.ALIGNMENT;
    }

    /** Where the aligned device read of a run ending with the payload at {@code last} ends in its segment. */
    static int windowEnd(long last) {
        return AlignedBuffers.alignUp(PhysAddr.offset(last) + PhysAddr.length(last));
    }

    long checksumErrors() {
        return checksumErrors;
    }

    long readsInPlace() {
        return readsInPlace;
    }
}
