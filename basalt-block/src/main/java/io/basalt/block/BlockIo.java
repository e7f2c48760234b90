package io.basalt.block;

import io.netty.buffer.ByteBuf;

/**
 * One operation on a {@link BlockStore}. Implemented by the caller's pooled request object, so
 * submitting allocates nothing.
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

    int op();

    long offset();

    int length();

    ByteBuf buffer();

    /** Force unit access: the write is durable when it completes, whatever the cache mode. */
    boolean fua();

    /** Called exactly once with one of the {@link IoStatus} values. */
    void complete(int ioStatus);
}
