package io.basalt.replication;

import java.util.concurrent.CompletableFuture;

/**
 * Records in the cluster's metadata which replicas of a volume are in sync. The primary drops a
 * failed replica from the in-sync set here <em>before</em> it acknowledges any write the replica
 * missed, and adds a replica back once a resync has made it whole.
 */
public interface InSyncRecorder {
    /**
     * Records that {@code brick} no longer holds an in-sync copy, under the given epoch.
     *
     * @return completes with true once recorded; with false when it could not be recorded under that
     * epoch (the primary has been deposed, or the metadata store is unreachable): the writes waiting
     * on it must then not be acknowledged
     */
    CompletableFuture<Boolean> drop(String brick, long epoch);

    /** Records that {@code brick} holds an in-sync copy again, under the given epoch; completes as {@link #drop}. */
    CompletableFuture<Boolean> rejoin(String brick, long epoch);
}
