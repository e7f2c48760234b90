package io.basalt.server.api;

import io.basalt.api.ApiException;
import io.basalt.api.BrickService;
import io.basalt.api.model.BrickInfo;
import io.basalt.api.model.BrickView;
import io.basalt.api.model.ClusterView;
import io.basalt.api.model.CreateSnapshotRequest;
import io.basalt.api.model.CreateVolumeRequest;
import io.basalt.api.model.DiffView;
import io.basalt.api.model.EventView;
import io.basalt.api.model.HealthView;
import io.basalt.api.model.QosPolicyRequest;
import io.basalt.api.model.QosPolicyView;
import io.basalt.api.model.RollbackRequest;
import io.basalt.api.model.SnapshotView;
import io.basalt.api.model.UpdateVolumeRequest;
import io.basalt.api.model.DrainView;
import io.basalt.api.model.MoveVolumeRequest;
import io.basalt.api.model.VerifyView;
import io.basalt.api.model.VolumeView;
import io.basalt.control.HostList;
import io.basalt.server.cluster.ClusterSnapshot;
import io.basalt.server.cluster.ClusterSnapshots;
import io.basalt.server.cluster.ClusterStatus;
import io.basalt.control.volume.ClusterVolume;
import io.basalt.server.cluster.ClusterEvents;
import io.basalt.control.volume.ClusterVolumes;
import io.basalt.server.cluster.PrimaryMoves;
import io.basalt.control.volume.CreateRequest;
import io.basalt.control.volume.VolumeException;
import io.basalt.control.volume.VolumeRequests;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.basalt.server.api.ApiRequests.blankToNull;
import static io.basalt.server.api.ApiRequests.call;

/**
 * The REST API of a brick in a cluster: volume and QoS calls act on the cluster's records (so any
 * brick serves the whole cluster), the brick's own matters (events, metrics, health) on the brick.
 * Each brick's volume agent then carries the records out; this service never touches local volumes.
 */
public final class ClusterManagementService implements BrickService {
    private final ManagementService local;
    private final ClusterVolumes volumes;
    private final ClusterStatus status;
    private final ClusterPolicies policies;
    private final ClusterSnapshots snapshots;
    private final Replication verifier;
    private final PrimaryMoves moves;

    /** What the brick's replication tells the API about the volumes it is the primary of. */
    public interface Replication {
        /** Compares the volume's replicas. */
        VerifyView verify(ClusterVolume v) throws VolumeException;

        /** The resyncs of its replicas by brick, as this brick (if their primary) runs them; else empty. */
        Map<String, VolumeView.Resync> resyncs(ClusterVolume v);
    }

    public ClusterManagementService(ManagementService local, ClusterVolumes volumes, ClusterStatus status,
                                    Replication verifier, ClusterEvents events) {
        this.verifier = verifier;
        this.moves = new PrimaryMoves(status.store(), volumes, events);
        this.local = local;
        this.volumes = volumes;
        this.status = status;
        this.policies = new ClusterPolicies(status.store(), volumes);
        this.snapshots = new ClusterSnapshots(status.store(), volumes);
    }

    // ---- volumes -----------------------------------------------------------------------------

    @Override
    public Outcome<VolumeView> createVolume(CreateVolumeRequest r) {
        CreateRequest request = ApiRequests.createRequest(r);
        int replicas = r.replicas() == null ? 1 : r.replicas();
        var domains = ApiRequests.domains(r);
        ClusterVolumes.Outcome o = call(() -> volumes.create(request, replicas, blankToNull(r.failureDomainKey()),
                domains));
        return new Outcome<>(view(o.volume()), o.created());
    }

    @Override
    public List<VolumeView> listVolumes() {
        return call(volumes::list).stream().map(this::view).toList();
    }

    @Override
    public VolumeView getVolume(String name) {
        return view(call(() -> volumes.get(name)));
    }

    @Override
    public VolumeView updateVolume(String name, UpdateVolumeRequest r) {
        ClusterVolume v = call(() -> volumes.get(name));
        if (r.name() != null && !r.name().equals(v.name())) {
            throw ApiException.unsupported("renaming is not yet available on a cluster");
        }
        Long size = r.size() == null || r.size().isNull() ? null : ApiRequests.size(r.size());
        if (size != null && size < v.spec().sizeBytes()) {
            throw ApiException.unsupported("volume " + v.name() + " is " + v.spec().sizeBytes()
                    + " bytes; a volume cannot shrink");
        }
        if (size != null && size % v.spec().blockSize() != 0) {
            throw ApiException.invalid("size must be a multiple of the block size " + v.spec().blockSize());
        }
        HostList hosts = r.hosts() == null ? null : ApiRequests.hosts(r.hosts());
        Map<String, String> labels = r.labels() == null ? null : call(() -> VolumeRequests.validLabels(r.labels()));
        String policy = r.qosPolicy() == null ? null : blankToNull(r.qosPolicy());
        if (policy != null) {
            policies.require(policy);
        }
        return view(call(() -> volumes.update(v.name(), m -> {
            var out = m;
            if (size != null) {
                out = out.withSizeAndHosts(size, out.hosts());
            }
            if (hosts != null) {
                out = out.withSizeAndHosts(out.sizeBytes(), hosts);
            }
            if (labels != null) {
                out = out.withLabels(labels);
            }
            if (r.qosPolicy() != null) {
                out = out.withQosPolicy(policy);
            }
            return out;
        })));
    }

    @Override
    public void deleteVolume(String name, boolean withSnapshots) {
        call(() -> {
            ClusterVolume v = volumes.get(name);
            int n = snapshots.count(v);
            if (n > 0 && !withSnapshots) {
                throw VolumeException.conflict("volume '" + v.name() + "' has " + n + " snapshot(s); delete them "
                        + "first, or delete the volume with its snapshots");
            }
            volumes.delete(v.name());
            snapshots.forget(v);
            return null;
        });
    }

    @Override
    public VolumeView allowHost(String volume, String hostNqn) {
        call(() -> {
            VolumeRequests.requireNqn(hostNqn);
            return null;
        });
        return view(call(() -> volumes.update(volume, m -> m.hosts().isAny() || m.hosts().allows(hostNqn) ? m
                : m.withSizeAndHosts(m.sizeBytes(), VolumeRequests.with(m.hosts(), hostNqn)))));
    }

    @Override
    public VolumeView revokeHost(String volume, String hostNqn) {
        call(() -> {
            VolumeRequests.requireNqn(hostNqn);
            return null;
        });
        if (call(() -> volumes.get(volume)).spec().hosts().isAny()) {
            throw ApiException.conflict("volume '" + volume + "' is open to any host; set an explicit host list "
                    + "instead of revoking one host");
        }
        return view(call(() -> volumes.update(volume, m -> !m.hosts().allows(hostNqn) ? m
                : m.withSizeAndHosts(m.sizeBytes(), VolumeRequests.without(m.hosts(), hostNqn)))));
    }

    private VolumeView view(ClusterVolume v) {
        return ClusterViews.volume(v, local, status, verifier.resyncs(v));
    }

    // ---- snapshots: taken by each volume's primary, recorded in the cluster ---------------------

    private static ApiException notYet(String what) {
        return ApiException.unsupported(what + " is not yet available on a cluster's volumes");
    }

    @Override
    public Outcome<SnapshotView> createSnapshot(String volume, CreateSnapshotRequest request) {
        if (request == null || request.name() == null) {
            throw ApiException.invalid("name is required");
        }
        ClusterSnapshots.Outcome o = call(() -> snapshots.create(volume, request.name()));
        return new Outcome<>(view(o.snapshot()), o.created());
    }

    @Override
    public List<SnapshotView> listSnapshots(String volume) {
        return call(() -> snapshots.list(volume)).stream().map(ClusterManagementService::view).toList();
    }

    @Override
    public SnapshotView getSnapshot(String volume, String snapshot) {
        return view(call(() -> snapshots.get(volume, snapshot)));
    }

    @Override
    public void deleteSnapshot(String volume, String snapshot) {
        call(() -> {
            snapshots.delete(volume, snapshot);
            return null;
        });
    }

    private static SnapshotView view(ClusterSnapshot s) {
        return new SnapshotView(s.name(), s.volume(), s.id(), s.sizeBytes(), s.blockSize(), s.mappedBytes(),
                java.time.Instant.ofEpochMilli(s.createdMillis()).toString());
    }

    @Override
    public VolumeView rollback(String volume, RollbackRequest request) {
        throw notYet("rollback");
    }

    @Override
    public DiffView diff(String volume, String from, String to, long fromLba, int limit) {
        throw notYet("changed-block tracking");
    }

    // ---- QoS ---------------------------------------------------------------------------------

    @Override
    public List<QosPolicyView> listQosPolicies() {
        return policies.list();
    }

    @Override
    public QosPolicyView getQosPolicy(String name) {
        return policies.get(name);
    }

    @Override
    public Outcome<QosPolicyView> putQosPolicy(String name, QosPolicyRequest request) {
        return policies.put(name, request);
    }

    @Override
    public void deleteQosPolicy(String name) {
        policies.delete(name);
    }

    // ---- the brick and the cluster -----------------------------------------------------------

    @Override
    public BrickInfo info() {
        return local.info();
    }

    @Override
    public List<EventView> events(long afterId, int limit) {
        return local.events(afterId, limit);
    }

    @Override
    public HealthView health() {
        HealthView brick = local.health();
        Map<String, String> checks = new LinkedHashMap<>(brick.checks());
        checks.put("cluster-metadata", status.metadataHealth());
        boolean ok = checks.values().stream().allMatch("ok"::equals);
        return new HealthView(ok ? "ok" : "degraded", checks);
    }

    @Override
    public String metrics() {
        return local.metrics();
    }

    @Override
    public ClusterView cluster() {
        return call(status::view);
    }

    @Override
    public List<BrickView> bricks() {
        return call(status::bricks);
    }

    @Override
    public BrickView brick(String name) {
        return call(() -> status.brick(name));
    }

    @Override
    public VolumeView moveVolume(String name, MoveVolumeRequest request) {
        return view(call(() -> moves.move(name, blankToNull(request.to()))));
    }

    @Override
    public DrainView drainBrick(String name) {
        brick(name);
        List<DrainView.Moved> moved = new java.util.ArrayList<>();
        List<DrainView.NotMoved> notMoved = new java.util.ArrayList<>();
        for (PrimaryMoves.Move m : call(() -> moves.drain(name))) {
            if (m.refusal() == null) {
                moved.add(new DrainView.Moved(m.volume(), m.to()));
            } else {
                notMoved.add(new DrainView.NotMoved(m.volume(), m.refusal()));
            }
        }
        return new DrainView(name, moved, notMoved);
    }

    /** On the primary, compared here; elsewhere, forwarded to the primary's API. */
    @Override
    public VerifyView verifyVolume(String name) {
        ClusterVolume v = call(() -> volumes.get(name));
        String primary = v.replicas().primary();
        if (primary.equals(status.thisBrick())) {
            return call(() -> verifier.verify(v));
        }
        BrickView brick = brick(primary);
        if (brick.apiAddress() == null || !"active".equals(brick.state())) {
            throw ApiException.unavailable("the primary brick " + primary + " of volume " + name + " is "
                    + brick.state() + (brick.apiAddress() == null ? " and runs no API" : "") + "; verify when it is back");
        }
        try {
            var r = new io.basalt.api.client.ApiClient(java.net.URI.create("http://" + brick.apiAddress()), null)
                    .post("/api/v1/volumes/" + io.basalt.api.client.ApiClient.encode(name) + "/verify", Map.of());
            return io.basalt.api.http.Json.read(r.body(), VerifyView.class);
        } catch (java.io.IOException e) {
            throw ApiException.unavailable("cannot reach the primary brick " + primary + " at " + brick.apiAddress()
                    + ": " + e.getMessage());
        }
    }

    @Override
    public void removeBrick(String name) {
        call(() -> {
            status.remove(name);
            return null;
        });
    }
}
