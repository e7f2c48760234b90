package io.basalt.server;

import io.basalt.api.BrickService;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.MetadataUnavailableException;
import io.basalt.control.etcd.EtcdMetadataStore;
import io.basalt.control.etcd.EtcdSettings;
import io.basalt.control.local.AtomicFiles;
import io.basalt.control.topology.ClusterIdentity;
import io.basalt.nvmet.subsystem.Subsystem;
import io.basalt.server.api.ClusterManagementService;
import io.basalt.server.api.ManagementService;
import io.basalt.server.cluster.ClusterEvents;
import io.basalt.server.cluster.ClusterMember;
import io.basalt.server.cluster.ClusterStatus;
import io.basalt.control.volume.ClusterVolume;
import io.basalt.control.volume.ClusterVolumes;
import io.basalt.control.volume.VolumeException;
import io.basalt.api.model.VerifyView;
import io.basalt.api.model.VolumeView;
import java.util.Map;
import io.basalt.server.cluster.LeaseAuthority;
import io.basalt.server.cluster.VolumeReplication;
import io.basalt.server.cluster.PathStates;
import io.basalt.server.cluster.LocalBrick;
import io.basalt.control.agent.VolumeAgent;
import io.basalt.server.config.ClusterSettings;
import io.basalt.server.config.HostPort;
import io.basalt.server.metrics.BrickMetrics;
import io.basalt.server.volume.PoolCapacity;
import io.basalt.server.volume.VolumeCatalog;
import io.basalt.server.volume.Volume;
import io.basalt.server.volume.VolumeManager;
import io.basalt.volume.chain.StoreChain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.List;
import java.util.Properties;

/**
 * A brick's life in a cluster, wired: the etcd store, its membership (record, heartbeat, leader
 * candidacy), the volume agent that makes the brick hold what the cluster places on it, and the
 * cluster-wide API. Started after the brick's own parts, closed before them.
 */
final class ClusterMode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMode.class);
    /** Remembers which cluster the data dir belongs to, so it never joins another by mistake. */
    static final String MEMBERSHIP_FILE = "cluster.properties";
    /** How long a starting brick waits for etcd to answer before it gives up. */
    static final java.time.Duration ETCD_STARTUP_WAIT = java.time.Duration.ofSeconds(30);

    private final ClusterSettings settings;
    private final EtcdMetadataStore store;
    private final ClusterMember member;
    private final ClusterVolumes volumes;
    private final LeaseAuthority authority;
    private final ClusterEvents events;
    private final VolumeReplication replication;
    private VolumeAgent<Volume> agent;

    private ClusterMode(ClusterSettings settings, EtcdMetadataStore store, ClusterMember member, ClusterEvents events) {
        this.events = events;
        this.settings = settings;
        this.store = store;
        this.member = member;
        this.volumes = new ClusterVolumes(store, Subsystem.MAX_NAMESPACES);
        this.authority = new LeaseAuthority(member::lease, authorityMargin(settings.leaseTtl()).toNanos());
        this.replication = new VolumeReplication(settings.brickName(), store, authority, events,
                io.basalt.replication.ReplicationSettings.defaults());
    }

    /**
     * How long before its lease's certain validity ends a primary stops acknowledging: room for a
     * write that passed the check to be answered, and for clocks that tick at slightly different rates.
     */
    static java.time.Duration authorityMargin(java.time.Duration leaseTtl) {
        return java.time.Duration.ofMillis(Math.max(200, leaseTtl.toMillis() / 10));
    }

    /** Connects to etcd, finds or founds the cluster, checks the data dir belongs to it. */
    static ClusterMode connect(ClusterSettings s, Path dataDir, ClusterEvents events) throws StartupException {
        EtcdMetadataStore store = EtcdMetadataStore.connect(EtcdSettings.forCluster(s.etcd(), s.clusterName()));
        try {
            // The data dir is checked before the brick takes a slot, so a refused start leaves no trace.
            ClusterIdentity identity = identityWhenEtcdAnswers(store, s);
            if (checkDataDir(dataDir, identity, s)) {
                refuseEmptyDataDirOfAReplicaHolder(store, s);
                rememberCluster(dataDir, identity, s);
            }
            ClusterMember member = ClusterMember.prepare(store, s, identity, events);
            LOG.info("Joining cluster {} ({}) as brick {}, slot {} (controller IDs {}-{})", s.clusterName(),
                    member.identity().subsystemNqn(), s.brickName(), member.slot(), member.firstCntlid(),
                    member.lastCntlid());
            return new ClusterMode(s, store, member, events);
        } catch (MetadataStoreException | StartupException | RuntimeException e) {
            store.close();
            throw e instanceof StartupException se ? se : new StartupException("cannot join the cluster through etcd "
                    + s.etcd() + ": " + e.getMessage());
        }
    }

    /**
     * The cluster's identity, waiting up to {@link #ETCD_STARTUP_WAIT} for etcd: bricks and etcd are
     * often started together (a reboot, a systemd unit each), and a first call may also meet a busy etcd.
     */
    private static ClusterIdentity identityWhenEtcdAnswers(EtcdMetadataStore store, ClusterSettings s)
            throws MetadataStoreException, StartupException {
        long deadline = System.nanoTime() + ETCD_STARTUP_WAIT.toNanos();
        while (true) {
            try {
                return ClusterMember.identity(store);
            } catch (MetadataUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.warn("Waiting for etcd at {}: {}", s.etcd(), e.getMessage());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    throw new StartupException("interrupted while waiting for etcd");
                }
            }
        }
    }

    /**
     * A brick the cluster counts replicas on, started on a new data dir (its disk was replaced or
     * wiped), would hold empty copies the records call in sync — a failover to one would lose data.
     */
    private static void refuseEmptyDataDirOfAReplicaHolder(EtcdMetadataStore store, ClusterSettings s)
            throws MetadataStoreException, StartupException {
        List<String> held = new java.util.ArrayList<>();
        for (var e : store.list(io.basalt.control.MetadataKeys.VOLUMES).entries()) {
            var r = io.basalt.control.topology.Replicas.of(e.fields());
            if (r != null && r.holds(s.brickName())) {
                held.add(io.basalt.control.MetadataKeys.name(e.key()));
            }
        }
        if (!held.isEmpty()) {
            throw new StartupException("brick " + s.brickName() + " holds replicas of " + held + " in the cluster, but "
                    + "this data dir is new: its copies would be empty. Start it on its old data dir, or let the "
                    + "cluster replace its replicas first (once it is marked failed, after --cluster-failed-after), "
                    + "then remove it (basalt brick remove " + s.brickName() + ") and join under a new name");
        }
    }

    private static void rememberCluster(Path dataDir, ClusterIdentity cluster, ClusterSettings s)
            throws StartupException {
        Path file = dataDir.resolve(MEMBERSHIP_FILE);
        Properties out = new Properties();
        out.setProperty("subsystem-nqn", cluster.subsystemNqn());
        out.setProperty("brick-name", s.brickName());
        try {
            AtomicFiles.writeProperties(file, out, "Basalt: the cluster this data dir belongs to; never edit");
        } catch (IOException e) {
            throw new StartupException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** @return true when the data dir is new to the cluster (it had no membership file; nothing written yet) */
    private static boolean checkDataDir(Path dataDir, ClusterIdentity cluster, ClusterSettings s) throws StartupException {
        Path file = dataDir.resolve(MEMBERSHIP_FILE);
        try {
            Properties p = AtomicFiles.readProperties(file);
            if (p != null) {
                String nqn = p.getProperty("subsystem-nqn");
                String brick = p.getProperty("brick-name");
                if (!cluster.subsystemNqn().equals(nqn) || !s.brickName().equals(brick)) {
                    throw new StartupException("the data dir " + dataDir + " belongs to brick " + brick + " of cluster "
                            + nqn + ", not to brick " + s.brickName() + " of " + cluster.subsystemNqn()
                            + " (etcd " + s.etcd() + ", cluster name " + s.clusterName() + "); use another data dir");
                }
                return false;
            }
            // A brick's own volumes would be deleted by the agent as placed nowhere: refuse to join instead.
            List<String> own;
            try {
                own = VolumeCatalog.load(dataDir).all().stream().map(v -> v.name()).sorted().toList();
            } catch (io.basalt.control.volume.DataDirException e) {
                throw new StartupException(e.getMessage());
            }
            if (!own.isEmpty()) {
                throw new StartupException("the data dir " + dataDir + " holds volumes of a brick on its own "
                        + own + "; joining a cluster would drop them. Start the cluster's brick with an empty "
                        + "data dir (moving a brick's volumes into a cluster is not supported yet)");
            }
            return true;
        } catch (IOException e) {
            throw new StartupException("cannot read or write " + file + ": " + e.getMessage());
        }
    }

    ClusterIdentity identity() {
        return member.identity();
    }

    ClusterMember member() {
        return member;
    }

    /** What stands between each volume's namespace and its local store on a cluster's brick: replication. */
    StoreChain storeChain() {
        return StoreChain.of(replication);
    }

    /** The API every brick of the cluster serves. */
    BrickService service(ManagementService local) {
        ClusterStatus status = new ClusterStatus(store, member.identity(), settings.brickName(),
                settings.etcd().stream().map(Object::toString).toList(), member::leader, volumes);
        return new ClusterManagementService(local, volumes, status, new ClusterManagementService.Replication() {
            @Override
            public VerifyView verify(ClusterVolume v) throws VolumeException {
                return replication.verify(v);
            }

            @Override
            public Map<String, VolumeView.Resync> resyncs(ClusterVolume v) {
                return replication.resyncViews(v.spec().uuid());
            }
        }, events);
    }

    /** Starts carrying out the cluster's records, then announces the brick as active. */
    void start(VolumeManager manager, PathStates paths, InetSocketAddress io, InetSocketAddress api, Path dataDir,
               BrickMetrics metrics) throws StartupException {
        // Port 0 asked for any free port: advertise the one bound.
        InetSocketAddress advertised = settings.advertise().getPort() == 0
                ? new InetSocketAddress(settings.advertise().getHostString(), io.getPort()) : settings.advertise();
        paths.advertise(advertised.getHostString(), advertised.getPort(), member.slot());
        String replicationAddress;
        try {
            InetSocketAddress bound = replication.listen(settings.replicationListen());
            // Bricks reach each other at the replication listen address when it names a host, else at
            // the host advertised to NVMe hosts (which may be an address only hosts use, as in tests).
            InetSocketAddress listen = settings.replicationListen();
            String host = listen.getAddress() != null && !listen.getAddress().isAnyLocalAddress()
                    ? listen.getHostString() : advertised.getHostString();
            replicationAddress = HostPort.format(new InetSocketAddress(host, bound.getPort()));
        } catch (Exception e) {
            throw new StartupException("cannot listen for replication on "
                    + HostPort.format(settings.replicationListen()) + ": " + e.getMessage());
        }
        agent = LocalBrick.agent(settings.brickName(), store, manager, paths, new LocalBrick.Listener() {
            @Override
            public void exported(Volume v) {
                metrics.register(v);
            }

            @Override
            public void removed(int nsid) {
                metrics.unregister(nsid);
            }
        }, replication, authority);
        replication.meters(metrics.registry());
        member.onRejoin(agent::poke);
        VolumeAgent<Volume> a = agent;
        metrics.registerCluster(member::leading, () -> a.lastFailure() == null, () -> a.brickCounts());
        agent.start();
        try {
            member.start(HostPort.format(advertised), api == null ? null : HostPort.format(api), replicationAddress,
                    new ClusterMember.CapacitySource() {
                        @Override
                        public long totalBytes() {
                            return PoolCapacity.of(manager, dataDir).totalBytes();
                        }

                        @Override
                        public long freeBytes() {
                            return PoolCapacity.of(manager, dataDir).freeBytes();
                        }
                    });
        } catch (MetadataStoreException e) {
            throw new StartupException("cannot register with the cluster: " + e.getMessage());
        }
        // The first reconcile ran before the brick had a lease: one under it lets the brick serve.
        agent.poke();
    }

    VolumeAgent<Volume> agent() {
        return agent;
    }

    @Override
    public void close() {
        member.close();
        if (agent != null) {
            agent.close();
        }
        replication.close();
        store.close();
    }
}
