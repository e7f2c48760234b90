package io.basalt.replication;

import java.util.List;

/**
 * The outcome of {@link ReplicatedStore#verify()}.
 *
 * @param bytesCompared bytes of the volume compared (the whole capacity unless {@link #error()} is set)
 * @param replicas      one entry per in-sync replica compared
 * @param error         why the verify stopped early (not primary, the gate did not drain), or null
 */
public record VerifyReport(long bytesCompared, List<Replica> replicas, String error) {
    public VerifyReport {
        replicas = List.copyOf(replicas);
    }

    /** Whether every replica compared equal over the whole volume. */
    public boolean identical() {
        return error == null && replicas.stream().allMatch(r -> r.differing().isEmpty() && r.error() == null);
    }

    /**
     * One replica's result.
     *
     * @param brick     the brick holding it
     * @param differing the ranges whose contents differ from the primary's (adjacent chunks merged)
     * @param error     why this replica could not be compared to the end (its reads failed), or null
     */
    public record Replica(String brick, List<Range> differing, String error) {
        public Replica {
            differing = List.copyOf(differing);
        }
    }

    /** A byte range of the volume. */
    public record Range(long offset, long length) {
    }
}
