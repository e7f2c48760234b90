package io.basalt.api;

import io.basalt.api.model.BrickInfo;
import io.basalt.api.model.BrickView;
import io.basalt.api.model.ClusterView;
import io.basalt.api.model.CreateSnapshotRequest;
import io.basalt.api.model.CreateVolumeRequest;
import io.basalt.api.model.DiffView;
import io.basalt.api.model.RollbackRequest;
import io.basalt.api.model.SnapshotView;
import io.basalt.api.model.EventView;
import io.basalt.api.model.HealthView;
import io.basalt.api.model.QosPolicyRequest;
import io.basalt.api.model.QosPolicyView;
import io.basalt.api.model.UpdateVolumeRequest;
import io.basalt.api.model.DrainView;
import io.basalt.api.model.MoveVolumeRequest;
import io.basalt.api.model.VerifyView;
import io.basalt.api.model.VolumeView;

import java.util.List;

/**
 * What the REST API asks of a brick. The brick implements it; the HTTP layer only routes, checks
 * tokens, pages and serialises. Every method throws {@link ApiException} for requests it refuses;
 * any other exception is a bug and becomes a 500.
 */
public interface BrickService {
    /** An outcome that may or may not have created something (idempotent create, PUT). */
    record Outcome<T>(T value, boolean created) {
    }

    /** Creates a volume, or returns the existing one if it has the same spec (created == false). */
    Outcome<VolumeView> createVolume(CreateVolumeRequest request);

    /** Every volume, sorted by name. */
    List<VolumeView> listVolumes();

    /** By name or UUID. */
    VolumeView getVolume(String name);

    VolumeView updateVolume(String name, UpdateVolumeRequest request);

    /** Refused (conflict) while the volume has snapshots, unless {@code withSnapshots}: then they go first. */
    void deleteVolume(String name, boolean withSnapshots);

    /** Takes a snapshot, or returns the volume's snapshot of that name (created == false). */
    Outcome<SnapshotView> createSnapshot(String volume, CreateSnapshotRequest request);

    /** The volume's snapshots, oldest first. */
    List<SnapshotView> listSnapshots(String volume);

    SnapshotView getSnapshot(String volume, String snapshot);

    /** Clones made from it keep the blocks they share. */
    void deleteSnapshot(String volume, String snapshot);

    /** The volume returns to the snapshot's contents and size; hosts are told. */
    VolumeView rollback(String volume, RollbackRequest request);

    /** Ranges changed between snapshot {@code from} and snapshot {@code to} (null: the volume now). */
    DiffView diff(String volume, String from, String to, long fromLba, int limit);

    /** Idempotent: allowing a host twice is no error. */
    VolumeView allowHost(String volume, String hostNqn);

    /** Idempotent: revoking a host that has no access is no error. */
    VolumeView revokeHost(String volume, String hostNqn);

    List<QosPolicyView> listQosPolicies();

    QosPolicyView getQosPolicy(String name);

    /** Creates or replaces; volumes under the policy take it at once. */
    Outcome<QosPolicyView> putQosPolicy(String name, QosPolicyRequest request);

    void deleteQosPolicy(String name);

    BrickInfo info();

    /** Events with an id above {@code afterId}, oldest first, at most {@code limit}. */
    List<EventView> events(long afterId, int limit);

    HealthView health();

    /** The cluster the brick belongs to (a brick without one is a cluster of one). */
    ClusterView cluster();

    /** Every member of the cluster, sorted by name. */
    List<BrickView> bricks();

    /** One member, by name. */
    BrickView brick(String name);

    /**
     * Removes a member that is gone for good: refused while it heartbeats or still holds a replica
     * (its volumes must be deleted or, with replication, moved first).
     */
    void removeBrick(String name);

    /**
     * Compares the volume's replicas (a cluster's volume; on a brick of its own a volume has one copy
     * and this is refused as unsupported). Runs on the volume's primary; any brick forwards it there.
     */
    VerifyView verifyVolume(String name);

    /**
     * Makes another replica the volume's primary (planned: hosts pause for well under a second).
     * A cluster's volume only; a brick on its own refuses it as unsupported.
     */
    VolumeView moveVolume(String name, MoveVolumeRequest request);

    /** Moves every primary off the brick (before maintenance); reports what moved and what could not. */
    DrainView drainBrick(String name);

    /** Metrics in the Prometheus text format. */
    String metrics();
}
