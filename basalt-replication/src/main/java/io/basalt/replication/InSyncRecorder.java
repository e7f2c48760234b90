package io.basalt.replication;

import java.util.concurrent.CompletableFuture;

/**
 * Records in the cluster's metadata which replicas of a volume are in sync. The primary drops a
 * failed replica from the in-sync set here <em>before</em> it acknowledges any write the replica
 * missed, and adds a replica back once a resync has made it whole.
 *
 * <p>Both complete with the revision of the record the change produced (the metadata store's
 * revision, never negative), or with {@link #REFUSED}. The fan-out store keeps the newest revision it
 * caused, so a {@link ReplicaPlan} the daemon built from an older record (one that does not yet show
 * the change) is ignored rather than undoing it.
 */
public interface InSyncRecorder {
    /** The completion of a change that could not be recorded. */
    long REFUSED = -1;

    /**
     * Records that {@code brick} no longer holds an in-sync copy, under the given epoch.
     *
     * @return completes with the record's new revision once recorded; with {@link #REFUSED} when it
     * could not be recorded under that epoch (the primary has been deposed, or the metadata store is
     * unreachable): the writes waiting on it must then not be acknowledged. An exceptional
     * completion counts as {@link #REFUSED}.
     */
    CompletableFuture<Long> drop(String brick, long epoch);

    /** Records that {@code brick} holds an in-sync copy again, under the given epoch; completes as {@link #drop}. */
    CompletableFuture<Long> rejoin(String brick, long epoch);
}
