package io.basalt.engine.map;

import io.basalt.engine.log.PhysAddr;

import java.util.Arrays;

/**
 * An image's logical-to-physical map: for each mapped block a packed {@link PhysAddr} and the
 * payload's CRC32C — 12 bytes per mapped block. Blocks live in chunks of {@link #CHUNK_BLOCKS},
 * allocated on the first write into the chunk and dropped when its last block is unmapped, so an
 * empty volume of any size costs its chunk directory only (4–8 bytes per chunk).
 *
 * <p>Chunks are shared copy-on-write between images (a volume and its snapshots and clones):
 * {@link #snapshot} copies only the directory and counts a reference on every chunk; {@link #set},
 * {@link #clear} and {@link #clearRange} copy a shared chunk before changing it. Only the
 * cleaner's {@link #move} changes a shared chunk in place, because a moved block moves for every
 * image that holds it. 512 blocks per chunk bound the copy a first write after a snapshot costs
 * (6 KiB) while keeping a snapshot of a 1 TiB volume of 4 KiB blocks at a 2 MiB directory.
 * Owned by the engine thread.
 *
 * <p>A background checkpoint writes a {@link #freeze frozen} copy from another thread: it
 * <em>pins</em> every chunk instead of sharing it, so changes copy a pinned chunk first (as a
 * shared one) while {@link #isShared} — which the snapshot tree's space rules read — still sees
 * only the images. Pinned chunks are never changed; that includes {@link #move}, so the cleaner
 * must not run while a frozen copy is alive. The frozen copy is read-only and its entries are
 * immutable until it is {@link #dropAll dropped}.
 *
 * <p>Durability invariant: none here — the map is memory; the log records every change before it
 * is acknowledged and checkpoints copy the maps.
 */
public final class VolumeMap {
    public static final int CHUNK_SHIFT = 9;
    public static final int CHUNK_BLOCKS = 1 << CHUNK_SHIFT;
    private static final int MASK = CHUNK_BLOCKS - 1;

    /**
     * A chunk of entries; {@code refs} maps hold it and {@code pins} frozen copies read it. Only
     * an unshared, unpinned one may change (but see {@link #move}).
     */
    private static final class Chunk {
        final long[] addresses;
        final int[] crcs;
        int count;
        int refs = 1;
        int pins;

        Chunk() {
            addresses = new long[CHUNK_BLOCKS];
            crcs = new int[CHUNK_BLOCKS];
        }

        Chunk(Chunk from) {
            addresses = from.addresses.clone();
            crcs = from.crcs.clone();
            count = from.count;
        }
    }

    private Chunk[] chunks;
    private long blocks;
    private long mapped;
    private long mappedBytes;
    /** A checkpoint's read-only copy: holds pins, not references. */
    private final boolean frozen;

    public VolumeMap(long blocks) {
        this(blocks, false);
    }

    private VolumeMap(long blocks, boolean frozen) {
        this.chunks = new Chunk[chunks(blocks)];
        this.blocks = blocks;
        this.frozen = frozen;
    }

    private static int chunks(long blocks) {
        long n = (blocks + CHUNK_BLOCKS - 1) >>> CHUNK_SHIFT;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("volume too large: " + blocks + " blocks");
        }
        return (int) n;
    }

    /**
     * A new map with this one's contents that shares every chunk: O(chunks), no entry is copied.
     * Its size is {@code newBlocks}; blocks past it are unmapped in the copy only.
     */
    public VolumeMap snapshot(long newBlocks) {
        VolumeMap copy = new VolumeMap(blocks);
        for (int c = 0; c < chunks.length; c++) {
            Chunk k = chunks[c];
            if (k != null) {
                k.refs++;
                copy.chunks[c] = k;
            }
        }
        copy.mapped = mapped;
        copy.mappedBytes = mappedBytes;
        if (newBlocks != blocks) {
            copy.resize(newBlocks, (lba, a) -> { });
        }
        return copy;
    }

    /**
     * A read-only copy of this map for a checkpoint written by another thread: O(chunks), no entry
     * is copied. Every chunk is pinned until the copy is {@link #dropAll dropped}: until then a
     * change to this map (or to any map sharing the chunk) copies the chunk first, so the copy's
     * entries never change. Engine thread; the copy may then be read by one other thread, handed
     * over with a happens-before edge (a thread start).
     */
    public VolumeMap freeze() {
        VolumeMap copy = new VolumeMap(blocks, true);
        for (int c = 0; c < chunks.length; c++) {
            Chunk k = chunks[c];
            if (k != null) {
                k.pins++;
                copy.chunks[c] = k;
            }
        }
        copy.mapped = mapped;
        copy.mappedBytes = mappedBytes;
        return copy;
    }

    /**
     * Forgets every chunk (the map is being deleted, or a frozen copy is done with): shared chunks
     * just lose a reference, pinned ones a pin. Engine thread.
     */
    public void dropAll() {
        for (int c = 0; c < chunks.length; c++) {
            if (chunks[c] != null) {
                if (frozen) {
                    chunks[c].pins--;
                } else {
                    chunks[c].refs--;
                }
                chunks[c] = null;
            }
        }
        mapped = 0;
        mappedBytes = 0;
    }

    public long blocks() {
        return blocks;
    }

    /** Blocks currently mapped. */
    public long mappedBlocks() {
        return mapped;
    }

    /** A payload's stored length; a dedup extent's reference holds none itself. */
    private static int payloadBytes(long address) {
        return PhysAddr.isExtent(address) ? 0 : PhysAddr.length(address);
    }

    /** Payload bytes of the mapped blocks (shared or not), dedup extent references not counted. */
    public long mappedBytes() {
        return mappedBytes;
    }

    public int chunkCount() {
        return chunks.length;
    }

    /** Whether chunk {@code c} is held by another map too. */
    public boolean isShared(int c) {
        return c < chunks.length && chunks[c] != null && chunks[c].refs > 1;
    }

    /** Whether chunk {@code c} is empty here. */
    public boolean isEmpty(int c) {
        return c >= chunks.length || chunks[c] == null;
    }

    /** Whether chunk {@code c} is the same object in both maps (or empty in both): then its entries are equal. */
    public boolean sameChunk(VolumeMap other, int c) {
        Chunk mine = c < chunks.length ? chunks[c] : null;
        Chunk theirs = other != null && c < other.chunks.length ? other.chunks[c] : null;
        return mine == theirs;
    }

    public long get(long lba) {
        int c = (int) (lba >>> CHUNK_SHIFT);
        if (lba < 0 || c >= chunks.length) {
            return PhysAddr.NONE;
        }
        Chunk k = chunks[c];
        return k == null ? PhysAddr.NONE : k.addresses[(int) (lba & MASK)];
    }

    public int crc(long lba) {
        int c = (int) (lba >>> CHUNK_SHIFT);
        if (lba < 0 || c >= chunks.length) {
            return 0;
        }
        Chunk k = chunks[c];
        return k == null ? 0 : k.crcs[(int) (lba & MASK)];
    }

    /** Chunk {@code c}, copied first if another map shares it or a frozen copy pins it. */
    private Chunk writable(int c) {
        checkNotFrozen();
        Chunk k = chunks[c];
        if (k == null) {
            k = chunks[c] = new Chunk();
        } else if (k.refs > 1 || k.pins > 0) {
            k.refs--;
            k = chunks[c] = new Chunk(k);
        }
        return k;
    }

    /** Maps the block; returns the address it had ({@link PhysAddr#NONE} if none). */
    public long set(long lba, long address, int crc) {
        Chunk k = writable((int) (lba >>> CHUNK_SHIFT));
        int i = (int) (lba & MASK);
        long old = k.addresses[i];
        k.addresses[i] = address;
        k.crcs[i] = crc;
        if (old == PhysAddr.NONE) {
            k.count++;
            mapped++;
        } else {
            mappedBytes -= payloadBytes(old);
        }
        mappedBytes += payloadBytes(address);
        return old;
    }

    /**
     * The cleaner moved the block from {@code from} to {@code to}: changes the entry in place, for
     * every map sharing its chunk. Returns false (changing nothing) if the block is not at {@code from}.
     */
    public boolean move(long lba, long from, long to, int crc) {
        // The CRC check keeps a replayed move from landing on a newer write that reused the address.
        if (get(lba) != from || from == PhysAddr.NONE || crc(lba) != crc
                || PhysAddr.length(to) != PhysAddr.length(from)) {
            return false;
        }
        Chunk k = chunks[(int) (lba >>> CHUNK_SHIFT)];
        if (k.pins > 0 || frozen) {
            // A checkpoint thread is reading this chunk: the cleaner must wait for it (see Cleaner).
            throw new IllegalStateException("moving block " + lba + " of a chunk a checkpoint is writing");
        }
        int i = (int) (lba & MASK);
        k.addresses[i] = to;
        k.crcs[i] = crc;
        return true;
    }

    /** Unmaps the block; returns the address it had. */
    public long clear(long lba) {
        int c = (int) (lba >>> CHUNK_SHIFT);
        if (get(lba) == PhysAddr.NONE) {
            return PhysAddr.NONE;
        }
        Chunk k = writable(c);
        int i = (int) (lba & MASK);
        long old = k.addresses[i];
        k.addresses[i] = PhysAddr.NONE;
        k.crcs[i] = 0;
        mappedBytes -= payloadBytes(old);
        mapped--;
        if (--k.count == 0) {
            chunks[c] = null;
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
            for (; at < chunkEnd && chunks[c] != null; at++) {
                long old = clear(at);
                if (old != PhysAddr.NONE) {
                    sink.released(at, old);
                }
            }
            at = chunkEnd;
        }
    }

    /** Receives every mapped block. */
    @FunctionalInterface
    public interface Visitor {
        void visit(long lba, long address, int crc);
    }

    public void forEach(Visitor visitor) {
        for (int c = 0; c < chunks.length; c++) {
            forEachIn(c, visitor);
        }
    }

    /** Visits the mapped blocks of chunk {@code c}. */
    public void forEachIn(int c, Visitor visitor) {
        Chunk k = c < chunks.length ? chunks[c] : null;
        if (k == null) {
            return;
        }
        long base = (long) c << CHUNK_SHIFT;
        for (int i = 0; i < CHUNK_BLOCKS; i++) {
            if (k.addresses[i] != PhysAddr.NONE) {
                visitor.visit(base + i, k.addresses[i], k.crcs[i]);
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
            Chunk chunk = chunks[c];
            if (chunk != null) {
                for (int i = (int) (at & MASK); i < CHUNK_BLOCKS; i++) {
                    if (chunk.addresses[i] != PhysAddr.NONE) {
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
        checkNotFrozen();
        if (newBlocks < blocks) {
            clearRange(newBlocks, blocks - newBlocks, sink);
        }
        int n = chunks(newBlocks);
        for (int c = n; c < chunks.length; c++) {
            if (chunks[c] != null) {
                chunks[c].refs--;
            }
        }
        chunks = Arrays.copyOf(chunks, n);
        blocks = newBlocks;
    }

    private void checkNotFrozen() {
        if (frozen) {
            throw new IllegalStateException("a checkpoint's frozen map is read-only");
        }
    }
}
