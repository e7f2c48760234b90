package io.basalt.engine.pool;

/**
 * A consistent snapshot of a pool's accounting, taken on the engine thread.
 *
 * @param usableBytes        live data the pool admits before writes get NO_SPACE
 * @param liveBytes          payload bytes mapped by volumes (physical usage)
 * @param mappedBytes        logical bytes mapped by volumes
 * @param hostBytesWritten   bytes hosts wrote since open, as they sent them (before compression and
 *                           dedup; write zeroes and deallocates not counted)
 * @param deviceBytesWritten log bytes written to devices since open (batches, GC copies; not checkpoints)
 * @param gcBytesWritten     log bytes the cleaner wrote since open
 * @param storedBytes        bytes before compression of the unique blocks (mapped bytes less what dedup shares)
 * @param dedupExtents       dedup extents (unique blocks of dedup volumes) in use
 * @param dedupIndexRejects  new blocks the full dedup index could not take since open: duplicates
 *                           of them written later are stored unshared
 * @param readsInPlace       reads since open whose data the device wrote straight into the host's
 *                           buffer, with no copy ({@link PoolConfig#READ_IN_PLACE_PROP_NAME})
 * @param readSubmitNanos    what handing one device read to the kernel costs here, ns: a moving
 *                           average of io_uring submits of one or two reads, the figure by which the
 *                           reader chooses to submit per read or per engine turn; 0 where reads do
 *                           not go through io_uring or none was timed yet
 */
public record PoolStats(int segments, int freeSegments, int segmentSize, long usableBytes, long liveBytes,
                        long mappedBytes, long hostBytesWritten, long deviceBytesWritten, long gcBytesWritten,
                        long checksumErrors, long checkpoints, long segmentsCleaned, int volumes, long storedBytes,
                        long dedupExtents, long dedupIndexRejects, long readsInPlace,
                        long readSubmitNanos) {
    /** Stored bytes per live (physical) byte: what compression saves; 1 when nothing is stored. */
    public double compressionRatio() {
        return VolumeUsage.ratio(storedBytes, liveBytes);
    }

    /** Mapped bytes per stored byte: what dedup saves; 1 when nothing is stored. */
    public double dedupRatio() {
        return VolumeUsage.ratio(mappedBytes, storedBytes);
    }

    /**
     * Device bytes per host byte since open; 0 before any write. Compression and dedup count in its
     * favour (below 1 when they save more than cleaning costs).
     */
    public double writeAmplification() {
        return hostBytesWritten == 0 ? 0 : (double) deviceBytesWritten / hostBytesWritten;
    }
}
