package io.basalt.replication;

import io.basalt.block.BlockIo;

/**
 * One replica of one volume on another brick, as the volume's primary reaches it. Operations are
 * those of {@link io.basalt.block.BlockStore#submit} — writes, write-zeroes, deallocates and flushes
 * to keep the replica in step, reads for resync and verify — each stamped with the epoch the primary
 * serves under.
 *
 * <p>Completion: {@link BlockIo#complete} exactly once, on any thread, with an
 * {@link io.basalt.block.IoStatus}: {@code OK} once the replica holds the write durably;
 * {@code PATH_UNAVAILABLE} when the replica refused the epoch as older than one it knows (the
 * primary has been deposed); any other status when the replica failed or could not be reached in
 * time (the connection broke, or no answer within the link's timeout). Never blocks.
 *
 * <p>Buffers: the primary hands the host's own buffer to the local store and to every link at once,
 * so a link reads a write's data from the reader index without moving it, and stops touching the
 * buffer once it has completed the operation. Write-zeroes (which a resync sends for an all-zero
 * region) and flushes have no buffer.
 */
public interface ReplicaLink extends AutoCloseable {
    /** The brick holding the replica. */
    String brick();

    /** Whether the link is connected now (a resync waits for this before it starts). */
    boolean connected();

    /** Sends one operation; see the class comment for its completion. No allocation per call. */
    void submit(BlockIo io, long epoch);

    /** Stops using the link; operations in flight complete (with a failure if unanswered). */
    @Override
    void close();
}
