package io.basalt.engine.pool;

import io.basalt.block.BlockIo;
import io.basalt.engine.log.BatchFormat;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.map.ExtentTable;

/**
 * A read whose addresses the engine thread has resolved: for each requested block where its payload
 * is ({@link PhysAddr#NONE} if unmapped; a dedup extent's current address), its CRC, and the
 * checksum/cipher domain the payload was stored under (the volume's family and the LBA, or
 * {@link BatchFormat#EXTENT_SEED} and the extent id). Reader threads touch neither map nor extent table.
 * Preallocated (one per slot of a {@link Reader}'s ring, one for the engine's own reads) and reused,
 * so a read allocates nothing.
 */
final class ReadRequest {
    /** Blocks one request holds: 1 MiB of 4 KiB blocks; longer reads are split or served by the engine. */
    static final int MAX_BLOCKS = 256;

    final long[] addresses = new long[MAX_BLOCKS];
    final int[] crcs = new int[MAX_BLOCKS];
    final int[] seeds = new int[MAX_BLOCKS];
    final long[] units = new long[MAX_BLOCKS];
    EngineBlockStore volume;
    BlockIo io;
    long lba;
    int blocks;
    /** Where in {@code io.buffer()} the first of these blocks goes. */
    int dstIndex;
    /** The whole read when this is one part of it (see {@link ReadJoin}); null when this is the whole read. */
    ReadJoin join;

    /**
     * Copies the map entries of {@code blocks} blocks from {@code lba} (engine thread), to be set at
     * {@code index} in the read's buffer.
     */
    void resolve(EngineBlockStore v, BlockIo op, long first, int count, int index, ExtentTable extents) {
        volume = v;
        io = op;
        lba = first;
        blocks = count;
        dstIndex = index;
        join = null;
        for (int k = 0; k < count; k++) {
            long e = v.map.get(first + k);
            if (PhysAddr.isExtent(e)) {
                long id = PhysAddr.extentId(e);
                addresses[k] = extents.address(id);
                crcs[k] = extents.crc(id);
                seeds[k] = BatchFormat.EXTENT_SEED;
                units[k] = id;
            } else {
                addresses[k] = e;
                crcs[k] = v.map.crc(first + k);
                seeds[k] = v.family();
                units[k] = first + k;
            }
        }
    }

    /**
     * Makes this the part of {@code whole} holding its blocks {@code [from, to)}, one of the parts
     * that {@code j} joins (engine thread).
     */
    void partOf(ReadRequest whole, int from, int to, ReadJoin j) {
        volume = whole.volume;
        io = whole.io;
        lba = whole.lba + from;
        blocks = to - from;
        dstIndex = whole.dstIndex + from * whole.volume.blockSize();
        join = j;
        System.arraycopy(whole.addresses, from, addresses, 0, blocks);
        System.arraycopy(whole.crcs, from, crcs, 0, blocks);
        System.arraycopy(whole.seeds, from, seeds, 0, blocks);
        System.arraycopy(whole.units, from, units, 0, blocks);
    }

    /**
     * Where the physical runs of the resolved blocks start: a run is a stretch of blocks stored back
     * to back in one segment (one device read, up to {@code maxRun} bytes) — as {@link RunReader}
     * reads them. Unmapped blocks read as zeroes, start no run and cost no device read. Stores the
     * first block of each run in {@code starts}; returns the number of runs.
     */
    int runs(int maxRun, int[] starts) {
        int n = 0;
        int seg = -1;
        int start = 0;
        int end = 0;
        for (int k = 0; k < blocks; k++) {
            long a = addresses[k];
            if (a == PhysAddr.NONE) {
                seg = -1;
                continue;
            }
            int s = PhysAddr.segment(a);
            int off = PhysAddr.offset(a);
            int len = PhysAddr.length(a);
            if (s == seg && off == end && end + len - start <= maxRun) {
                end += len;
                continue;
            }
            starts[n++] = k;
            seg = s;
            start = off;
            end = off + len;
        }
        return n;
    }

    /** Drops the references, so a finished request keeps no volume or buffer alive. */
    void clear() {
        volume = null;
        io = null;
        join = null;
    }
}
