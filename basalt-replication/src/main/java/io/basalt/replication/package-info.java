/**
 * Replication of a volume between bricks. The volume's primary wraps its local store in a fan-out
 * store that sends every write to the in-sync replicas and acknowledges only when all have it
 * durably; each replica's brick runs a replication server that applies those writes to its local
 * copy, refusing any stamped with an epoch older than one it knows. A replica that fails is dropped
 * from the in-sync set (recorded by the daemon in the cluster's metadata before any write it missed
 * is acknowledged), the blocks written meanwhile are tracked, and a returning replica is resynced
 * with only those.
 *
 * <p>The primary's side is {@link io.basalt.replication.ReplicatedStore} (fan-out, drops, the write
 * gate), {@link io.basalt.replication.ChangedRegions} (tracking) and the resync and verify it runs;
 * the daemon drives it with {@link io.basalt.replication.ReplicaPlan}s and hears it through a
 * {@link io.basalt.replication.ReplicationListener}. Design: docs/replication.md.
 *
 * <p>The module knows stores only through the block contract, and the cluster only through
 * {@link io.basalt.replication.PrimaryAuthority}, {@link io.basalt.replication.InSyncRecorder} and
 * {@link io.basalt.replication.ReplicaVolumes}, which the daemon implements.
 */
package io.basalt.replication;
