package io.basalt.server.api;

import io.basalt.api.ApiException;
import io.basalt.api.BrickService;
import io.basalt.api.model.BrickInfo;
import io.basalt.api.model.BrickView;
import io.basalt.api.model.ClusterView;
import io.basalt.api.model.CreateVolumeRequest;
import io.basalt.api.model.EventView;
import io.basalt.api.model.HealthView;
import io.basalt.api.model.QosPolicyRequest;
import io.basalt.api.model.QosPolicyView;
import io.basalt.api.model.UpdateVolumeRequest;
import io.basalt.api.model.VolumeView;
import io.basalt.control.HostList;
import io.basalt.api.model.CreateSnapshotRequest;
import io.basalt.api.model.DiffView;
import io.basalt.api.model.RollbackRequest;
import io.basalt.api.model.SnapshotView;
import io.basalt.server.version.BasaltVersion;
import io.basalt.control.volume.Backend;
import io.basalt.control.volume.Hosts;
import io.basalt.server.events.EventLog;
import io.basalt.server.metrics.BrickMetrics;
import io.basalt.server.volume.BrickIdentity;
import io.basalt.server.volume.ChangedRanges;
import io.basalt.server.volume.Overcommit;
import io.basalt.server.volume.PoolCapacity;
import io.basalt.server.volume.Snapshots;
import io.basalt.server.volume.VolumeManager;
import io.basalt.control.volume.CreateRequest;
import io.basalt.server.volume.Created;
import io.basalt.server.volume.Volume;
import io.basalt.volume.qos.QosLimits;

import static io.basalt.server.api.ApiRequests.blankToNull;
import static io.basalt.server.api.ApiRequests.call;
import static io.basalt.server.api.ApiRequests.encryption;
import static io.basalt.server.api.ApiRequests.hosts;
import static io.basalt.server.api.ApiRequests.size;
import static io.basalt.server.api.ApiRequests.zero;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The brick side of the REST API: turns API requests into {@link VolumeManager} calls and the
 * brick's state into API views. Refusals become {@link ApiException}s with HTTP semantics.
 */
public final class ManagementService implements BrickService {
    private final BrickIdentity identity;
    private final Path dataDir;
    private final VolumeManager volumes;
    private final TargetStatus target;
    private final EventLog events;
    private final BrickMetrics metrics;
    private final Supplier<InetSocketAddress> apiAddress;
    private final Snapshots snapshots;
    private final long startMillis = System.currentTimeMillis();

    public ManagementService(BrickIdentity identity, Path dataDir, VolumeManager volumes, TargetStatus target,
                             EventLog events, BrickMetrics metrics, Supplier<InetSocketAddress> apiAddress) {
        this.identity = identity;
        this.dataDir = dataDir;
        this.volumes = volumes;
        this.target = target;
        this.events = events;
        this.metrics = metrics;
        this.apiAddress = apiAddress;
        this.snapshots = volumes.snapshots();
    }

    // ---- volumes -----------------------------------------------------------------------------

    @Override
    public Outcome<VolumeView> createVolume(CreateVolumeRequest r) {
        if (r.replicas() != null && r.replicas() != 1) {
            throw ApiException.invalid("replicas " + r.replicas() + ": a brick without a cluster holds one replica "
                    + "of each volume; run bricks with --cluster-etcd for more (docs/cluster.md)");
        }
        CreateRequest request = ApiRequests.createRequest(r);
        if (!ApiRequests.domains(r).allowed().isEmpty()) {
            throw ApiException.placementImpossible("a brick without a cluster has no failure domains, so it is in "
                    + "none of the allowedDomains " + r.allowedDomains() + "; run bricks with --cluster-etcd and "
                    + "--failure-domain (docs/cluster.md)");
        }
        Created c = call(() -> volumes.create(request));
        if (c.created()) {
            metrics.register(c.volume());
        }
        List<String> warnings = c.created() ? overcommitWarnings(c.volume()) : List.of();
        return new Outcome<>(view(c.volume(), warnings), c.created());
    }

    @Override
    public List<VolumeView> listVolumes() {
        List<TargetStatus.HostConnection> connected = target.connections();
        return volumes.list().stream().map(v -> VolumeViews.view(v, connected, List.of()))
                .sorted(Comparator.comparing(VolumeView::name)).toList();
    }

    @Override
    public VolumeView getVolume(String name) {
        return view(call(() -> volumes.find(name)));
    }

    @Override
    public VolumeView updateVolume(String name, UpdateVolumeRequest r) {
        Volume v = call(() -> volumes.find(name));
        String current = v.metadata().name();
        // Check everything that can be checked before changing anything.
        Long size = r.size() == null || r.size().isNull() ? null : size(r.size());
        HostList hosts = r.hosts() == null ? null : hosts(r.hosts());
        if (r.qosPolicy() != null && !r.qosPolicy().isEmpty()) {
            call(() -> volumes.policy(r.qosPolicy()));
        }
        if (r.name() != null && !r.name().equals(current)) {
            v = call(() -> volumes.rename(current, r.name()));
            metrics.register(v);
        }
        String n = v.metadata().name();
        List<String> warnings = List.of();
        if (size != null) {
            long before = v.metadata().sizeBytes();
            v = call(() -> volumes.resize(n, size, Boolean.TRUE.equals(r.force())));
            if (v.metadata().sizeBytes() > before) {
                warnings = overcommitWarnings(v);
            }
        }
        if (hosts != null) {
            v = call(() -> volumes.setHosts(n, hosts));
        }
        if (r.labels() != null) {
            v = call(() -> volumes.setLabels(n, r.labels()));
        }
        if (r.qosPolicy() != null) {
            v = call(() -> volumes.setQosPolicy(n, blankToNull(r.qosPolicy())));
        }
        return view(v, warnings);
    }

    /** A warning when the volume, just created or grown, is in an over-committed engine pool. */
    private List<String> overcommitWarnings(Volume v) {
        if (v.metadata().backend() != Backend.ENGINE || v.metadata().isSnapshotExport()) {
            return List.of();
        }
        Overcommit overcommit = volumes.overcommit();
        return overcommit.warns() ? List.of(overcommit.describe()) : List.of();
    }

    @Override
    public void deleteVolume(String name, boolean withSnapshots) {
        Volume v = call(() -> volumes.find(name));
        call(() -> {
            volumes.delete(v.metadata().name(), withSnapshots);
            return null;
        });
        metrics.unregister(v.metadata().nsid());
    }

    // ---- snapshots ---------------------------------------------------------------------------

    @Override
    public Outcome<SnapshotView> createSnapshot(String volume, CreateSnapshotRequest r) {
        if (r == null || r.name() == null) {
            throw ApiException.invalid("name is required");
        }
        Snapshots.Taken t = call(() -> snapshots.create(volume, r.name()));
        return new Outcome<>(VolumeViews.view(t.snapshot()), t.created());
    }

    @Override
    public List<SnapshotView> listSnapshots(String volume) {
        return call(() -> snapshots.list(volume)).stream().map(VolumeViews::view).toList();
    }

    @Override
    public SnapshotView getSnapshot(String volume, String snapshot) {
        return VolumeViews.view(call(() -> snapshots.get(volume, snapshot)));
    }

    @Override
    public void deleteSnapshot(String volume, String snapshot) {
        call(() -> {
            snapshots.delete(volume, snapshot);
            return null;
        });
    }

    @Override
    public VolumeView rollback(String volume, RollbackRequest r) {
        if (r == null || r.snapshot() == null) {
            throw ApiException.invalid("snapshot is required");
        }
        return view(call(() -> snapshots.rollback(volume, r.snapshot())));
    }

    @Override
    public DiffView diff(String volume, String from, String to, long fromLba, int limit) {
        String name = call(() -> volumes.find(volume)).metadata().name();
        String against = to == null || to.isEmpty() || to.equals("live") ? null : to;
        ChangedRanges page = call(() -> snapshots.diff(name, from, against, fromLba, limit));
        int blockSize = call(() -> snapshots.get(name, from)).blockSize();
        return new DiffView(name, from, against, blockSize,
                page.ranges().stream().map(x -> new DiffView.Range(x.lba(), x.blocks())).toList(), page.nextLba());
    }

    @Override
    public VolumeView allowHost(String volume, String hostNqn) {
        String name = call(() -> volumes.find(volume)).metadata().name();
        return view(call(() -> volumes.allowHost(name, hostNqn)));
    }

    @Override
    public VolumeView revokeHost(String volume, String hostNqn) {
        String name = call(() -> volumes.find(volume)).metadata().name();
        return view(call(() -> volumes.revokeHost(name, hostNqn)));
    }

    // ---- QoS ---------------------------------------------------------------------------------

    @Override
    public List<QosPolicyView> listQosPolicies() {
        return volumes.policies().stream().map(p -> policyView(p.name(), p.limits())).toList();
    }

    @Override
    public QosPolicyView getQosPolicy(String name) {
        return policyView(name, call(() -> volumes.policy(name)));
    }

    @Override
    public Outcome<QosPolicyView> putQosPolicy(String name, QosPolicyRequest r) {
        QosLimits limits;
        try {
            limits = new QosLimits(zero(r.readIops()), zero(r.writeIops()), zero(r.readBytesPerSecond()),
                    zero(r.writeBytesPerSecond()), zero(r.iopsPerGib()));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        boolean created = call(() -> volumes.putPolicy(name, limits));
        return new Outcome<>(policyView(name, limits), created);
    }

    @Override
    public void deleteQosPolicy(String name) {
        call(() -> {
            volumes.deletePolicy(name);
            return null;
        });
    }

    private QosPolicyView policyView(String name, QosLimits l) {
        List<String> users = volumes.list().stream().filter(v -> name.equals(v.metadata().qosPolicy()))
                .map(v -> v.metadata().name()).sorted().toList();
        return new QosPolicyView(name, l.readIops(), l.writeIops(), l.readBytesPerSecond(), l.writeBytesPerSecond(),
                l.iopsPerGib(), users);
    }

    // ---- brick -------------------------------------------------------------------------------

    @Override
    public BrickInfo info() {
        List<BrickInfo.Endpoint> endpoints = new ArrayList<>();
        endpoints.add(endpoint("nvme-tcp", target.ioAddress()));
        if (target.discoveryAddress() != null) {
            endpoints.add(endpoint("discovery", target.discoveryAddress()));
        }
        InetSocketAddress api = apiAddress.get();
        if (api != null) {
            endpoints.add(endpoint("api", api));
        }
        PoolCapacity capacity = PoolCapacity.of(volumes, dataDir);
        long hosts = target.connections().stream().map(TargetStatus.HostConnection::hostNqn).distinct().count();
        return new BrickInfo(target.subsystemNqn(), target.serial(), target.model(),
                BasaltVersion.version(), BasaltVersion.firmware(), endpoints,
                new BrickInfo.Capacity(capacity.totalBytes(), capacity.freeBytes(), capacity.provisionedBytes(),
                        capacity.usedBytes(), capacity.overcommitRatio(), capacity.dataDirTotalBytes(),
                        capacity.dataDirFreeBytes()), volumes.list().size(),
                (int) hosts,
                (System.currentTimeMillis() - startMillis) / 1000,
                new BrickInfo.Versions(BasaltVersion.version(), Runtime.version().toString(),
                        BasaltVersion.nettyVersion()));
    }

    private static BrickInfo.Endpoint endpoint(String kind, InetSocketAddress a) {
        return new BrickInfo.Endpoint(kind, a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress(),
                a.getPort());
    }

    @Override
    public List<EventView> events(long afterId, int limit) {
        return events.after(afterId, limit);
    }

    @Override
    public HealthView health() {
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("nvme-tcp", target.ioAddress() != null ? "ok" : "not listening");
        String dir;
        try {
            dir = Files.isWritable(dataDir) && Files.getFileStore(dataDir).getUsableSpace() > 0 ? "ok"
                    : "data dir not writable or full";
        } catch (IOException e) {
            dir = "data dir unreadable: " + e.getMessage();
        }
        checks.put("data-dir", dir);
        boolean ok = checks.values().stream().allMatch("ok"::equals);
        return new HealthView(ok ? "ok" : "degraded", checks);
    }

    @Override
    public ClusterView cluster() {
        return SingleBrickCluster.cluster(info());
    }

    @Override
    public List<BrickView> bricks() {
        return SingleBrickCluster.bricks(info(), volumeNames());
    }

    @Override
    public BrickView brick(String name) {
        return SingleBrickCluster.brick(name, info(), volumeNames());
    }

    @Override
    public void removeBrick(String name) {
        SingleBrickCluster.brick(name, info(), volumeNames());
        throw ApiException.unsupported("a brick without a cluster cannot remove itself");
    }

    private List<String> volumeNames() {
        return volumes.list().stream().map(v -> v.metadata().name()).toList();
    }

    @Override
    public io.basalt.api.model.VerifyView verifyVolume(String name) {
        getVolume(name);
        throw ApiException.unsupported("a volume of a brick on its own has one copy: there are no replicas to compare "
                + "(volume verify is for a cluster's replicated volumes)");
    }

    @Override
    public VolumeView moveVolume(String name, io.basalt.api.model.MoveVolumeRequest request) {
        getVolume(name);
        throw ApiException.unsupported("a volume of a brick on its own has no other replica to move to");
    }

    @Override
    public io.basalt.api.model.DrainView drainBrick(String name) {
        SingleBrickCluster.brick(name, info(), volumeNames());
        throw ApiException.unsupported("a brick on its own has no other brick to move its volumes to");
    }

    @Override
    public String metrics() {
        return metrics.scrape();
    }

    // ---- mapping -----------------------------------------------------------------------------

    private VolumeView view(Volume v) {
        return view(v, List.of());
    }

    private VolumeView view(Volume v, List<String> warnings) {
        return VolumeViews.view(v, target.connections(), warnings);
    }
}
