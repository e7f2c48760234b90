package io.basalt.engine.pool;

import io.basalt.engine.BlockIo;

/**
 * A read whose addresses the engine thread has resolved: for each requested block its packed
 * physical address ({@link io.basalt.engine.log.PhysAddr#NONE} if unmapped) and its map CRC.
 * Preallocated (one per slot of a {@link Reader}'s ring, one for the engine's own reads) and reused,
 * so a read allocates nothing.
 */
final class ReadRequest {
    /** Blocks one request holds: 1 MiB of 4 KiB blocks; longer reads are split or served by the engine. */
    static final int MAX_BLOCKS = 256;

    final long[] addresses = new long[MAX_BLOCKS];
    final int[] crcs = new int[MAX_BLOCKS];
    EngineBlockStore volume;
    BlockIo io;
    long lba;
    int blocks;

    /** Copies the map entries of {@code blocks} blocks from {@code lba} (engine thread). */
    void resolve(EngineBlockStore v, BlockIo op, long first, int count) {
        volume = v;
        io = op;
        lba = first;
        blocks = count;
        for (int k = 0; k < count; k++) {
            addresses[k] = v.map.get(first + k);
            crcs[k] = v.map.crc(first + k);
        }
    }

    /** Drops the references, so a finished request keeps no volume or buffer alive. */
    void clear() {
        volume = null;
        io = null;
    }
}
