package io.basalt.netty;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;

/**
 * How much one read from a connection's socket may take on the target: Netty's adaptive guess (it
 * grows after reads that fill the buffer and shrinks after ones that do not), but allowed up to
 * {@link #MAX_BYTES} where Netty stops at 64 KiB.
 *
 * <p>Why: a 128 KiB write's data arrives as one H2CData PDU of 128 KiB and a few dozen bytes. Capped
 * at 64 KiB, a loop that fell behind needed at least two reads for each — system calls, each paying
 * for the socket lock and, on a VM, for the interrupt re-enabling around it — and the handler ran once
 * per piece; with room for a whole PDU and the headers behind it, one read takes all the socket holds.
 * Measured (docs/benchmarks.md, "Receive buffers"): 128 KiB writes at queue depth 32 took 0.4-0.7
 * socket reads each instead of 1.6. Small PDUs are unaffected: the guess only grows when reads fill it.
 *
 * <p>Not on the initiator: on loopback, where the benchmarks run, a client reading larger pieces moved
 * CPU time to the brick (whose CPU then sends more of its data itself) rather than saving it.
 */
public final class ReceiveBuffers {
    /** The smallest buffer a read gets (Netty's default). */
    static final int MIN_BYTES = 64;
    /** The first read's buffer (Netty's default). */
    static final int INITIAL_BYTES = 2048;
    /**
     * The largest: a 128 KiB data PDU with its headers, and the next PDUs, in one read. It stays within
     * the event loop's buffer cache ({@link AllocatorDefaults#MAX_CACHED_BUFFER_BYTES}), so a full-size
     * read buffer is reused, not allocated.
     */
    public static final int MAX_BYTES = AllocatorDefaults.MAX_CACHED_BUFFER_BYTES;

    private static final RecvByteBufAllocator ALLOCATOR =
            new AdaptiveRecvByteBufAllocator(MIN_BYTES, INITIAL_BYTES, MAX_BYTES);

    private ReceiveBuffers() {
    }

    /** The allocator for {@code ChannelOption.RCVBUF_ALLOCATOR}; shareable, each channel gets its own handle. */
    public static RecvByteBufAllocator allocator() {
        return ALLOCATOR;
    }
}
