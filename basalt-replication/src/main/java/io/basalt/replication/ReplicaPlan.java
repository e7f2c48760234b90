package io.basalt.replication;

import java.util.List;

/**
 * What the cluster's record of a volume says this brick is, as the daemon hands it to the brick's
 * {@link ReplicatedStore} on every change of the record.
 *
 * @param primary        whether this brick is the volume's primary
 * @param epoch          the epoch of the record: the one every replicated operation is stamped with
 * @param inSync         links to the other bricks whose replicas the record lists in sync (not this brick)
 * @param outOfSync      links to the other bricks that hold a replica not in sync (to be resynced)
 * @param recordRevision the metadata store's revision of the record the plan was built from
 * @param former         the brick among {@code outOfSync} that was primary of the previous epoch and left
 *                       the in-sync set when this one began (a failover), or null: it lacks only this
 *                       epoch's writes, so a store that saw the epoch begin resyncs only what it tracked
 */
public record ReplicaPlan(boolean primary, long epoch, List<ReplicaLink> inSync, List<ReplicaLink> outOfSync,
                          long recordRevision, String former) {
    public ReplicaPlan {
        inSync = List.copyOf(inSync);
        outOfSync = List.copyOf(outOfSync);
    }

    /** A plan with no former primary out of sync. */
    public ReplicaPlan(boolean primary, long epoch, List<ReplicaLink> inSync, List<ReplicaLink> outOfSync,
                       long recordRevision) {
        this(primary, epoch, inSync, outOfSync, recordRevision, null);
    }

    /** The plan of a brick that is not (or no longer) the primary: every host operation is refused. */
    public static ReplicaPlan secondary(long epoch, long recordRevision) {
        return new ReplicaPlan(false, epoch, List.of(), List.of(), recordRevision);
    }
}
