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

    /** Copies the map entries of {@code blocks} blocks from {@code lba} (engine thread). */
    void resolve(EngineBlockStore v, BlockIo op, long first, int count, ExtentTable extents) {
        volume = v;
        io = op;
        lba = first;
        blocks = count;
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

    /** Drops the references, so a finished request keeps no volume or buffer alive. */
    void clear() {
        volume = null;
        io = null;
    }
}
