package io.basalt.netty;

/**
 * Netty allocator settings Basalt needs before any Netty class reads them (Netty reads them once, in
 * static initializers): call {@link #apply} first thing in {@code main}. A setting given on the command
 * line ({@code -D}) wins.
 */
public final class AllocatorDefaults {
    /**
     * Netty's property for the largest buffer a thread's allocation cache keeps (Netty's default: 32
     * KiB).
     */
    public static final String MAX_CACHED_BUFFER_CAPACITY = "io.netty.allocator.maxCachedBufferCapacity";
    /**
     * Ours: 256 KiB, so the buffer of a 128 KiB read or write (160 KiB with its PDU framing) is reused
     * from the event loop's cache. Above Netty's 32 KiB, such buffers went back to the shared arena; a
     * 4 MiB chunk they emptied was freed and a new one allocated and zeroed moments later — 4-8% of the
     * brick's CPU at 128 KiB reads (docs/benchmarks.md).
     */
    public static final int MAX_CACHED_BUFFER_BYTES = 256 << 10;

    private AllocatorDefaults() {
    }

    /** Sets each of Basalt's defaults that the command line has not set. */
    public static void apply() {
        if (System.getProperty(MAX_CACHED_BUFFER_CAPACITY) == null) {
            System.setProperty(MAX_CACHED_BUFFER_CAPACITY, Integer.toString(MAX_CACHED_BUFFER_BYTES));
        }
    }
}
