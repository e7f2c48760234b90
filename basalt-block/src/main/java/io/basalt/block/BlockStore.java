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
 *
 * <p>Threads: the target calls {@link #submit} from its connections' event loops, so several
 * threads submit to one store at once: a store is safe for concurrent submits, and operations in
 * flight together may complete in any order. The store calls {@link BlockIo#complete} either on
 * the submitting thread (before {@code submit} returns, as a store that works inline does) or on a
 * thread of its own; the caller hops back to its own thread if it needs to. {@code submit} does not
 * throw for a failed operation: every failure is a completion with an {@link IoStatus}.
 *
 * <p>This interface is the one boundary between the NVMe layer and storage: the target knows
 * stores only through it, and a store knows nothing of NVMe.
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
     * completing; see {@link BlockIo#buffer()} for who owns it. The operation completes exactly once,
     * possibly before this method returns.
     */
    void submit(BlockIo io);

    /** Whether writes fail (a snapshot exported for reading): hosts see the namespace write-protected. */
    default boolean isReadOnly() {
        return false;
    }

    /** Bytes the store occupies on its media (thin provisioning), best effort. */
    long allocatedBytes();

    /** Releases the store's resources; pending operations complete first. */
    @Override
    void close();
}
