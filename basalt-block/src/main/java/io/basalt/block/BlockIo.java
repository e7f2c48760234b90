package io.basalt.block;

import io.netty.buffer.ByteBuf;

/**
 * One operation on a {@link BlockStore}. Implemented by the caller's pooled request object, so
 * submitting allocates nothing.
 *
 * <p>Life: the caller sets the fields, calls {@link BlockStore#submit}, and the store calls
 * {@link #complete} exactly once, on the submitting thread or on one of its own. Between submit and
 * complete the fields do not change, and the store may read them from any thread; after complete
 * the store touches neither this object nor its buffer, since the caller reuses both at once.
 */
public interface BlockIo {
    /** Read {@link #length()} bytes at {@link #offset()} into {@link #buffer()} (written at its writer index). */
    int OP_READ = 0;
    /** Write the {@link #length()} readable bytes of {@link #buffer()} at {@link #offset()}. */
    int OP_WRITE = 1;
    /** Make every completed write durable. */
    int OP_FLUSH = 2;
    /** Make {@link #length()} bytes at {@link #offset()} read as zeros. */
    int OP_WRITE_ZEROES = 3;
    /**
     * Deallocate ranges: {@link #buffer()} holds {@link #length()} pairs of big-endian longs
     * (byte offset, byte length). Afterwards the ranges read as zeros and use no space.
     */
    int OP_DEALLOCATE = 4;
    /**
     * The native-memory alignment at which a read's data may land without a copy: when a read's
     * buffer is direct and its writer index sits at an address that is a multiple of this, a store
     * may have the device write the data there itself (O_DIRECT), instead of reading into its own
     * memory and copying. Any other buffer works too, at the cost of that copy.
     */
    int BUFFER_ALIGNMENT = 4096;
    /**
     * Reads at least this long are worth a buffer aligned at {@link #BUFFER_ALIGNMENT}: below it,
     * copying the data costs the store less than the alignment's slack and a device read into memory
     * it has not registered with the kernel (measured: 4 KiB reads in place took ~10% more CPU, 128
     * KiB reads ~10% less).
     */
    int IN_PLACE_MIN_LENGTH = 32 << 10;

    int op();

    long offset();

    int length();

    /**
     * The data of a read, write or deallocate; unused (may be null) for flush and write-zeroes.
     * The caller owns it: the store neither retains nor releases it, and keeps no reference once it
     * has completed. A write or deallocate reads from the reader index without moving it; a read
     * writes at the writer index, which the caller has left room for.
     *
     * <p>A write's buffer may be a slice of a larger buffer the caller received from the network,
     * whose other bytes belong to other operations, and it stays valid only until completion: the
     * store reads its readable bytes and never writes to it.
     */
    ByteBuf buffer();

    /** Force unit access: the write is durable when it completes, whatever the cache mode. */
    boolean fua();

    /**
     * Called by the store exactly once with one of the {@link IoStatus} values, on any thread (see
     * the class comment); the buffer holds the read data only if the status is {@link IoStatus#OK}.
     */
    void complete(int ioStatus);
}
