package io.basalt.server.cluster;

import io.basalt.block.BlockStore;
import io.basalt.control.MetadataStore;
import io.basalt.control.topology.BrickDirectory;
import io.basalt.control.topology.Replicas;
import io.basalt.control.volume.ClusterVolume;
import io.basalt.replication.EpochFence;
import io.basalt.replication.ReplicaLink;
import io.basalt.replication.ReplicaPlan;
import io.basalt.replication.ReplicaVolume;
import io.basalt.replication.ReplicaVolumes;
import io.basalt.replication.ReplicatedStore;
import io.basalt.replication.ReplicationSettings;
import io.basalt.replication.ResyncProgress;
import io.basalt.replication.VerifyReport;
import io.basalt.api.model.VerifyView;
import io.basalt.api.model.VolumeView;
import io.basalt.control.volume.VolumeException;
import io.basalt.volume.VolumeIdentity;
import io.basalt.volume.chain.StoreLayer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.basalt.replication.client.ReplicationClient;
import io.basalt.replication.server.ReplicationServer;
import io.basalt.volume.chain.StoreChain;
import io.basalt.control.volume.VolumeMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Replication on one brick of a cluster, and the layer of each volume's store chain that does it:
 * every volume it holds is exported through a {@link ReplicatedStore} over its local store (fan-out
 * while this brick is the primary, refusal of host I/O otherwise), the brick's replication server
 * applies what other bricks' primaries send to the local copies, and the agent tells each volume its
 * role, epoch and peers as the cluster's record changes.
 */
public final class VolumeReplication implements StoreLayer, ReplicaVolumes, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeReplication.class);
    /** The longest a verify may take before the API gives up waiting (it reads the whole volume on each copy). */
    static final java.time.Duration VERIFY_LIMIT = java.time.Duration.ofMinutes(10);
    private static final int MAX_DIFFERENCES = 100;
    /** How long a new primary waits for links it just made to connect. */
    static final java.time.Duration CONNECT_WAIT = java.time.Duration.ofSeconds(1);

    private final String brick;
    private final MetadataStore store;
    private final LeaseAuthority authority;
    private final ClusterEvents events;
    private final ReplicationSettings settings;
    private final ReplicationMeters meters = new ReplicationMeters();
    private final Map<UUID, Replicated> volumes = new ConcurrentHashMap<>();
    /** One client per peer brick, by its replication address. */
    private final Map<String, ReplicationClient> clients = new HashMap<>();
    private final ExecutorService recording = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "basalt-in-sync-records");
        t.setDaemon(true);
        return t;
    });
    private ReplicationServer server;

    /** A volume's replication on this brick, and its links to its peers by brick name. */
    private record Replicated(String name, ReplicaVolume replica, ReplicatedStore store,
                              Map<String, ReplicaLink> links) {
        EpochFence fence() {
            return replica.fence();
        }
    }

    public VolumeReplication(String brick, MetadataStore store, LeaseAuthority authority, ClusterEvents events,
                             ReplicationSettings settings) {
        this.settings = settings;
        this.brick = brick;
        this.store = store;
        this.authority = authority;
        this.events = events;
    }

    /** Starts the brick's replication server; returns the address it listens on. */
    public InetSocketAddress listen(InetSocketAddress at) throws Exception {
        server = new ReplicationServer(at, this);
        return server.address();
    }

    /** Counts resyncs in the brick's metrics from now on. */
    public void meters(MeterRegistry registry) {
        meters.bind(registry);
    }

    @Override
    public BlockStore wrap(VolumeIdentity v, BlockStore local) {
        EpochFence fence = new EpochFence(0);
        ReplicatedStore replicated = new ReplicatedStore(v.name(), local, fence, authority,
                new InSyncRecords(store, brick, v.name(), authority, recording, events), settings,
                new ResyncEvents(v.name(), events, meters));
        volumes.put(v.uuid(), new Replicated(v.name(), new ReplicaVolume(local, fence), replicated,
                new ConcurrentHashMap<>()));
        return replicated;
    }

    @Override
    public void release(VolumeIdentity v) {
        Replicated r = volumes.remove(v.uuid());
        if (r != null) {
            r.store().close();
            r.links().values().forEach(ReplicaLink::close);
        }
    }

    @Override
    public ReplicaVolume find(UUID volume) {
        Replicated r = volumes.get(volume);
        // Made once per volume: the replication server asks on every request.
        return r == null ? null : r.replica();
    }

    /** Tells the volume's store its role, epoch and peers as the cluster's record says now. */
    synchronized void apply(ClusterVolume v, Map<String, BrickDirectory.Member> members) {
        Replicated r = volumes.get(v.spec().uuid());
        if (r == null) {
            return;
        }
        Replicas where = v.replicas();
        r.fence().admit(where.epoch());
        // Links to every peer, on every brick: a secondary keeps them connected so that it can serve
        // as soon as it is made the primary.
        List<ReplicaLink> inSync = new ArrayList<>();
        List<ReplicaLink> outOfSync = new ArrayList<>();
        boolean fresh = false;
        for (String peer : where.bricks()) {
            if (peer.equals(brick)) {
                continue;
            }
            int before = r.links().size();
            ReplicaLink link = link(r, peer, v.spec().uuid(), members.get(peer));
            fresh |= r.links().size() != before;
            (where.inSync(peer) ? inSync : outOfSync).add(link);
        }
        if (!brick.equals(where.primary())) {
            r.store().apply(ReplicaPlan.secondary(where.epoch(), v.revision()));
            return;
        }
        if (fresh) {
            awaitConnected(inSync);
        }
        r.store().apply(new ReplicaPlan(true, where.epoch(), inSync, outOfSync, v.revision(), where.former()));
    }

    /**
     * A primary with links made just now waits briefly for them to connect: a write sent on a link
     * still connecting fails at once, and the replica would be dropped for no fault of its own.
     */
    private static void awaitConnected(List<ReplicaLink> links) {
        long deadline = System.nanoTime() + CONNECT_WAIT.toNanos();
        while (links.stream().anyMatch(l -> !l.connected()) && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private ReplicaLink link(Replicated r, String peer, UUID volume, BrickDirectory.Member member) {
        String address = member == null ? null : member.record().replicationAddress();
        if (address == null) {
            // Never leave a replica out of the plan: a primary would acknowledge writes it lacks.
            LOG.warn("Volume {}: brick {} has no replication address recorded; it counts as unreachable", r.name(),
                    peer);
            return new UnreachableLink(peer);
        }
        // By brick and address: a brick that comes back on another port gets a new link.
        String key = peer + "@" + address;
        ReplicaLink have = r.links().get(key);
        if (have != null) {
            return have;
        }
        ReplicationClient client = clients.computeIfAbsent(address, a -> new ReplicationClient(parse(a)));
        ReplicaLink link = client.link(peer, volume);
        r.links().put(key, link);
        return link;
    }

    /** Compares the replicas of a volume this brick is the primary of. */
    public VerifyView verify(ClusterVolume v) throws VolumeException {
        Replicated r = volumes.get(v.spec().uuid());
        if (r == null || !brick.equals(v.replicas().primary())) {
            throw VolumeException.unavailable("this brick (" + brick + ") does not serve volume " + v.name()
                    + " as its primary yet; retry");
        }
        VerifyReport report;
        try {
            report = r.store().verify().get(VERIFY_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw VolumeException.unavailable("verifying " + v.name() + " took longer than " + VERIFY_LIMIT);
        } catch (ExecutionException e) {
            throw VolumeException.internal("verifying " + v.name() + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw VolumeException.unavailable("interrupted");
        }
        if (report.error() != null) {
            throw VolumeException.unavailable("cannot verify " + v.name() + ": " + report.error());
        }
        List<VerifyView.Difference> differences = new ArrayList<>();
        List<String> compared = new ArrayList<>();
        for (VerifyReport.Replica replica : report.replicas()) {
            if (replica.error() != null) {
                throw VolumeException.unavailable("cannot compare the replica on " + replica.brick() + ": "
                        + replica.error());
            }
            compared.add(replica.brick());
            for (VerifyReport.Range d : replica.differing()) {
                if (differences.size() < MAX_DIFFERENCES) {
                    differences.add(new VerifyView.Difference(replica.brick(), d.offset(), d.length()));
                }
            }
        }
        events.event(report.identical() ? "volume.verified" : "volume.replicas-differ", !report.identical(), v.name(),
                report.identical() ? "replicas " + compared + " identical to the primary's copy"
                        : differences.size() + " range(s) differ between the primary and " + compared);
        return new VerifyView(v.name(), brick, compared, report.identical(), report.bytesCompared(), differences);
    }

    /** The resyncs the volume's store runs or last ran (this brick being its primary), by replica brick. */
    public Map<String, VolumeView.Resync> resyncViews(UUID volume) {
        Replicated r = volumes.get(volume);
        Map<String, VolumeView.Resync> out = new HashMap<>();
        if (r != null) {
            for (ResyncProgress p : r.store().resyncs()) {
                out.put(p.brick(), new VolumeView.Resync(p.state().name().toLowerCase(java.util.Locale.ROOT),
                        p.regionsRemaining(), p.regionBytes(), p.bytesCopied()));
            }
        }
        return out;
    }

    private static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
        }
        clients.values().forEach(ReplicationClient::close);
        recording.shutdownNow();
    }
}
