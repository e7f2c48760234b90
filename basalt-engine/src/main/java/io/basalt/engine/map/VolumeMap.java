package io.basalt.engine.map;

import io.basalt.engine.log.PhysAddr;

/**
 * A volume's logical-to-physical map: for each mapped block a packed {@link PhysAddr} and the
 * payload's CRC32C — 12 bytes per mapped block. Blocks live in chunks of {@link #CHUNK_BLOCKS},
 * allocated on the first write into the chunk and dropped when its last block is unmapped, so
 * an empty volume of any size costs its chunk directory only (8 bytes per chunk). Owned by the
 * engine thread.
 *
 * <p>Durability invariant: none here — the map is memory; the log records every change before it
 * is acknowledged and checkpoints copy the map whole.
 */
public final class VolumeMap {
    public static final int CHUNK_SHIFT = 12;
    public static final int CHUNK_BLOCKS = 1 << CHUNK_SHIFT;
    private static final int MASK = CHUNK_BLOCKS - 1;

    private long[][] addresses;
    private int[][] crcs;
    private int[] counts;
    private long blocks;
    private long mapped;

    public VolumeMap(long blocks) {
        int chunks = chunks(blocks);
        this.addresses = new long[chunks][];
        this.crcs = new int[chunks][];
        this.counts = new int[chunks];
        this.blocks = blocks;
    }

    private static int chunks(long blocks) {
        long n = (blocks + CHUNK_BLOCKS - 1) >>> CHUNK_SHIFT;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("volume too large: " + blocks + " blocks");
        }
        return (int) n;
    }

    public long blocks() {
        return blocks;
    }

    /** Blocks currently mapped. */
    public long mappedBlocks() {
        return mapped;
    }

    public long get(long lba) {
        long[] chunk = addresses[(int) (lba >>> CHUNK_SHIFT)];
        return chunk == null ? PhysAddr.NONE : chunk[(int) (lba & MASK)];
    }

    public int crc(long lba) {
        int[] chunk = crcs[(int) (lba >>> CHUNK_SHIFT)];
        return chunk == null ? 0 : chunk[(int) (lba & MASK)];
    }

    /** Maps the block; returns the address it had ({@link PhysAddr#NONE} if none). */
    public long set(long lba, long address, int crc) {
        int c = (int) (lba >>> CHUNK_SHIFT);
        long[] chunk = addresses[c];
        if (chunk == null) {
            chunk = addresses[c] = new long[CHUNK_BLOCKS];
            crcs[c] = new int[CHUNK_BLOCKS];
        }
        int i = (int) (lba & MASK);
        long old = chunk[i];
        chunk[i] = address;
        crcs[c][i] = crc;
        if (old == PhysAddr.NONE) {
            counts[c]++;
            mapped++;
        }
        return old;
    }

    /** Unmaps the block; returns the address it had. */
    public long clear(long lba) {
        int c = (int) (lba >>> CHUNK_SHIFT);
        long[] chunk = addresses[c];
        if (chunk == null) {
            return PhysAddr.NONE;
        }
        int i = (int) (lba & MASK);
        long old = chunk[i];
        if (old != PhysAddr.NONE) {
            chunk[i] = PhysAddr.NONE;
            crcs[c][i] = 0;
            mapped--;
            if (--counts[c] == 0) {
                addresses[c] = null;
                crcs[c] = null;
            }
        }
        return old;
    }

    /** Receives unmapped blocks' old addresses (to release their space). */
    @FunctionalInterface
    public interface Released {
        void released(long lba, long address);
    }

    /** Unmaps {@code count} blocks from {@code lba}, skipping empty chunks; each old address goes to {@code sink}. */
    public void clearRange(long lba, long count, Released sink) {
        long end = Math.min(blocks, lba + count);
        for (long at = Math.max(0, lba); at < end; ) {
            int c = (int) (at >>> CHUNK_SHIFT);
            long chunkEnd = Math.min(end, ((long) c + 1) << CHUNK_SHIFT);
            if (addresses[c] == null) {
                at = chunkEnd;
                continue;
            }
            for (; at < chunkEnd && addresses[c] != null; at++) {
                long old = clear(at);
                if (old != PhysAddr.NONE) {
                    sink.released(at, old);
                }
            }
            at = Math.max(at, addresses[c] == null ? chunkEnd : at);
        }
    }

    /** Receives every mapped block. */
    @FunctionalInterface
    public interface Visitor {
        void visit(long lba, long address, int crc);
    }

    public void forEach(Visitor visitor) {
        for (int c = 0; c < addresses.length; c++) {
            long[] chunk = addresses[c];
            if (chunk == null) {
                continue;
            }
            int[] crc = crcs[c];
            long base = (long) c << CHUNK_SHIFT;
            for (int i = 0; i < CHUNK_BLOCKS; i++) {
                if (chunk[i] != PhysAddr.NONE) {
                    visitor.visit(base + i, chunk[i], crc[i]);
                }
            }
        }
    }

    /**
     * The first mapped block at or after {@code lba}, or -1 if there is none. Walks the map in LBA
     * order without a callback per block: a checkpoint serialises tens of millions of entries, and
     * a visitor shared by several callers is a virtual call for each.
     */
    public long nextMapped(long lba) {
        for (long at = Math.max(0, lba); at < blocks; ) {
            int c = (int) (at >>> CHUNK_SHIFT);
            long[] chunk = addresses[c];
            if (chunk != null) {
                for (int i = (int) (at & MASK); i < CHUNK_BLOCKS; i++) {
                    if (chunk[i] != PhysAddr.NONE) {
                        return ((long) c << CHUNK_SHIFT) + i;
                    }
                }
            }
            at = ((long) c + 1) << CHUNK_SHIFT;
        }
        return -1;
    }

    /** Changes the size; blocks past a smaller size are unmapped first, through {@code sink}. */
    public void resize(long newBlocks, Released sink) {
        if (newBlocks < blocks) {
            clearRange(newBlocks, blocks - newBlocks, sink);
        }
        int chunks = chunks(newBlocks);
        addresses = java.util.Arrays.copyOf(addresses, chunks);
        crcs = java.util.Arrays.copyOf(crcs, chunks);
        counts = java.util.Arrays.copyOf(counts, chunks);
        blocks = newBlocks;
    }
}
