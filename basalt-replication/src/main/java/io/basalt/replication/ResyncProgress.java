package io.basalt.replication;

/**
 * Where one replica's resync stands.
 *
 * @param brick            the brick whose replica is resynced
 * @param state            the resync's state
 * @param regionsTotal     regions to copy when the resync started (host writes may add more)
 * @param regionsRemaining regions marked changed now
 * @param regionBytes      the size of a region
 * @param bytesCopied      bytes sent to the replica so far by this resync
 * @param lastPauseNanos   how long host writes last waited at the write gate for the final copy (0 before)
 */
public record ResyncProgress(String brick, State state, long regionsTotal, long regionsRemaining, int regionBytes,
                             long bytesCopied, long lastPauseNanos) {
    /** The life of a resync. */
    public enum State {
        /** Waiting for the link to connect (or to retry after a failure). */
        WAITING,
        /** Copying changed regions while host I/O goes on. */
        COPYING,
        /** Write gate closed: copying the last regions and recording the rejoin. */
        FINISHING,
        /** The replica is in sync again. */
        DONE,
        /** The last attempt failed; it will be retried. */
        FAILED,
        /** Stopped: this brick is no longer primary, or the replica left the plan. */
        CANCELLED
    }
}
