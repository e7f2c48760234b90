package io.basalt.block;

/**
 * A volume's blocks, as the NVMe layer sees them: a byte-addressed range of {@link #capacityBytes()}
 * bytes accessed in units of {@link #blockSize()}. Operations are submitted as {@link BlockIo}s and
 * complete exactly once, possibly on another thread and possibly before {@code submit} returns.
 *
 * <p>Durability invariant: if {@link #volatileWriteCache()} is false, a write is durable when it
 * completes. If true, a write is durable once a later {@link BlockIo#OP_FLUSH} completes, or when it
 * completes if it was submitted with FUA.
 *
 * <p>Blocks never written, or deallocated, read as zeros.
 */
public interface BlockStore extends AutoCloseable {

    /** Size of the volume in bytes; a multiple of {@link #blockSize()}. */
    long capacityBytes();

    /** The logical block size: 512 or 4096. */
    int blockSize();

    /** Whether writes sit in a volatile cache until flushed (see the class comment). */
    boolean volatileWriteCache();

    /**
     * Starts an operation. Offsets and lengths are in bytes, multiples of the block size and within
     * the capacity (the caller validates). The store must not keep a reference to the buffer after
     * completing.
     */
    void submit(BlockIo io);

    /** Bytes the store occupies on its media (thin provisioning), best effort. */
    /** Whether writes fail (a snapshot exported for reading): hosts see the namespace write-protected. */
    default boolean isReadOnly() {
        return false;
    }

    long allocatedBytes();

    /** Releases the store's resources; pending operations complete first. */
    @Override
    void close();
}
