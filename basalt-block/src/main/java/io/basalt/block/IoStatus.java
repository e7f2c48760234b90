package io.basalt.block;

/**
 * Outcomes of a {@link BlockIo}, passed to {@link BlockIo#complete}; the volume adapter turns them
 * into NVMe status codes. Plain ints rather than an enum so a completion carries no object.
 */
public final class IoStatus {
    /** The operation is done: read data is in the buffer, a write is as durable as the store promises. */
    public static final int OK = 0;
    /** The media failed to read the data, or the data failed its checksum. */
    public static final int READ_ERROR = 1;
    /** The media failed to write. */
    public static final int WRITE_ERROR = 2;
    /** No space is left to hold the write. */
    public static final int NO_SPACE = 3;
    /** The operation is not supported by this store, or an internal error occurred. */
    public static final int INTERNAL_ERROR = 4;
    /** The store is read-only (a snapshot): writes, write-zeroes and deallocates fail with this. */
    public static final int WRITE_PROTECTED = 5;
    /**
     * This brick cannot serve the volume now: it is not (or no longer) the volume's primary, or its
     * authority to acknowledge lapsed. Not an error of the data: the host should retry on another
     * path (the target answers with an ANA status so multipath does).
     */
    public static final int PATH_UNAVAILABLE = 6;

    private IoStatus() {
    }
}
