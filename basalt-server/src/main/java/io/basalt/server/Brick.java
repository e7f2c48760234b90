package io.basalt.server;

import io.basalt.api.BrickService;
import io.basalt.api.http.ApiRoutes;
import io.basalt.api.http.ApiServer;
import io.basalt.api.http.Authenticator;
import io.basalt.api.http.JwtAuthenticator;
import io.basalt.block.BlockStore;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.local.LocalMetadataStore;
import io.basalt.units.Sizes;
import io.basalt.server.api.ManagementService;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.events.EventLog;
import io.basalt.server.metrics.BrickMetrics;
import io.basalt.server.version.BasaltVersion;
import io.basalt.server.volume.QosPolicyStore;
import io.basalt.server.volume.EnginePool;
import io.basalt.server.volume.VolumeManager;
import io.basalt.server.volume.VolumeListener;
import io.basalt.server.config.HostPort;
import io.basalt.server.config.ServeConfig;
import io.basalt.server.volume.BrickIdentity;
import io.basalt.control.volume.DataDirException;
import io.basalt.server.volume.DataDirLock;
import io.basalt.server.volume.VolumeCatalog;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.nvmet.NvmeTcpTarget;
import io.basalt.nvmet.TargetConfig;
import io.basalt.nvmet.subsystem.MultipathConfig;
import io.basalt.nvmet.subsystem.Subsystem;
import io.basalt.volume.chain.StoreChain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running brick: the data dir (locked), the volume manager with the volumes' stores, the
 * subsystem exporting them as namespaces, the NVMe/TCP target serving it, and the management API.
 * {@link #close} stops in reverse order: the API and the target first, so no I/O reaches a closed
 * store.
 */
public final class Brick implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Brick.class);
    /** Identify Controller model number. */
    public static final String MODEL = "Basalt";
    /** A "pool nearly full" event when the data dir's file system has less free than this fraction. */
    static final double POOL_FREE_WARNING = 0.10;
    static final long POOL_CHECK_SECONDS = 30;
    /**
     * ANATT of a cluster's brick: the most a takeover keeps a volume in ANA change. The leader moves a
     * primary within a lease TTL (default 5 s); a host resets a controller stuck in change after 2 x ANATT.
     */
    static final int ANA_TRANSITION_SECONDS = 10;

    /** A volume being served: what the data dir says about it, and the store holding its blocks. */
    public record ExportedVolume(VolumeMetadata metadata, BlockStore store) {
    }

    private final Path dataDir;
    private final DataDirLock lock;
    private final BrickIdentity identity;
    private final VolumeManager manager;
    private final NvmeTcpTarget target;
    private final EventLog events;
    private final ApiServer api;
    private final ManagementService service;
    private final ScheduledExecutorService housekeeping;
    /** Null for a brick on its own. */
    private final ClusterMode cluster;
    private boolean poolWarned;
    /** Checksum errors of the engine pool already reported as events. */
    private long checksumErrorsReported;
    private boolean closed;

    private Brick(Path dataDir, DataDirLock lock, BrickIdentity identity, VolumeManager manager,
                  NvmeTcpTarget target, EventLog events, ApiServer api, ManagementService service, ClusterMode cluster) {
        this.cluster = cluster;
        this.dataDir = dataDir;
        this.lock = lock;
        this.identity = identity;
        this.manager = manager;
        this.target = target;
        this.events = events;
        this.api = api;
        this.service = service;
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "basalt-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(this::checkPool, 0, POOL_CHECK_SECONDS, TimeUnit.SECONDS);
    }

    /** Opens the data dir and volumes and starts listening; on failure releases all it took. */
    public static Brick start(ServeConfig config) throws StartupException {
        Path dataDir = config.dataDir().toAbsolutePath().normalize();
        DataDirLock lock = null;
        VolumeManager manager = null;
        NvmeTcpTarget target = null;
        EventLog events = null;
        ApiServer api = null;
        ClusterMode cluster = null;
        try {
            lock = DataDirLock.acquire(dataDir);
            BrickIdentity identity = BrickIdentity.loadOrCreate(dataDir);
            events = EventLog.open(dataDir);
            if (config.cluster() != null) {
                EventLog log = events;
                cluster = ClusterMode.connect(config.cluster(), dataDir, (type, warning, subject, message) ->
                        log.record(type, warning ? EventLog.WARNING : EventLog.INFO, subject, message));
            }
            // One store for all of the brick's metadata: the one source of truth the catalog and the
            // policies are views of.
            MetadataStore metadata = LocalMetadataStore.openDataDir(dataDir);
            VolumeCatalog catalog = VolumeCatalog.load(metadata, dataDir);
            QosPolicyStore policies = QosPolicyStore.load(metadata);
            // In a cluster every brick serves the cluster's one subsystem, so hosts see one with many paths.
            Subsystem subsystem = cluster == null
                    ? new Subsystem(identity.subsystemNqn(), identity.serial(), MODEL, BasaltVersion.firmware())
                    : new Subsystem(cluster.identity().subsystemNqn(), cluster.identity().serial(), MODEL,
                            BasaltVersion.firmware(), MultipathConfig.groupPerNamespace(ANA_TRANSITION_SECONDS));
            manager = new VolumeManager(catalog, policies, subsystem, eventsOf(events),
                    new EnginePool(dataDir, config.devices(), config.engine()),
                    cluster == null ? StoreChain.NONE : cluster.storeChain());
            // A cluster's brick exports what it held before; its agent then makes that what the cluster says.
            List<VolumeMetadata> exports = cluster != null ? catalog.all().stream()
                    .sorted(java.util.Comparator.comparingInt(VolumeMetadata::nsid)).toList()
                    : catalog.reconcile(config.volumes(), ServeConfig.defaultVolume());
            for (VolumeMetadata v : exports) {
                manager.export(v);
            }
            manager.noteOvercommitAtStart();
            TargetConfig targetConfig = TargetConfig.of(config.listen(), config.discoveryListen())
                    .withEventLoops(config.dataPath().ioThreads(), config.dataPath().busyPoll())
                    .withTcpCongestion(config.dataPath().tcpCongestion());
            if (cluster != null) {
                // Controller IDs unique across the subsystem's bricks; the slot doubles as the port ID.
                targetConfig = targetConfig.withPath(cluster.member().firstCntlid(), cluster.member().lastCntlid(),
                        cluster.member().slot());
            }
            target = new NvmeTcpTarget(targetConfig, subsystem);
            startTarget(target, config);
            BrickMetrics metrics = new BrickMetrics(dataDir, manager, target.controllers());
            metrics.registerTransport(target.transportErrors());
            manager.online().forEach(metrics::register);
            VolumeManager vm = manager;
            metrics.registerEngine(() -> vm.enginePool() == null ? null : vm.enginePool().ifOpen());
            ApiServer[] apiRef = new ApiServer[1];
            ManagementService service = new ManagementService(identity, dataDir, manager,
                    new NvmeTargetStatus(target), events, metrics, () -> apiRef[0] == null ? null : apiRef[0].address());
            target.controllers().addListener(new HostEvents(events, metrics));
            api = startApi(config.api(), cluster == null ? service : cluster.service(service));
            apiRef[0] = api;
            if (cluster != null) {
                cluster.start(manager, new SubsystemPaths(subsystem, config.cluster().brickName()),
                        target.ioAddress(), api == null ? null : api.address(), dataDir, metrics);
            }
            events.record("brick.started", EventLog.INFO, identity.subsystemNqn(), "serving "
                    + manager.online().size() + " volume(s) on " + HostPort.format(target.ioAddress()));
            return new Brick(dataDir, lock, identity, manager, target, events, api, service, cluster);
        } catch (DataDirException | MetadataStoreException | StartupException e) {
            release(cluster, api, target, manager, events, lock);
            throw e instanceof StartupException s ? s : new StartupException(e.getMessage());
        } catch (RuntimeException e) {
            release(cluster, api, target, manager, events, lock);
            throw e;
        }
    }

    /** Volume changes become info events; what the operator should act on about the pool, warnings. */
    private static VolumeListener eventsOf(EventLog log) {
        return new VolumeListener() {
            @Override
            public void volumeEvent(String type, String volume, String message) {
                log.record(type, EventLog.INFO, volume, message);
            }

            @Override
            public void poolWarning(String type, String subject, String message) {
                log.record(type, EventLog.WARNING, subject, message);
            }
        };
    }

    private static ApiServer startApi(ApiConfig c, BrickService service) throws StartupException {
        if (c.listen() == null) {
            return null;
        }
        Authenticator auth = Authenticator.NONE;
        if (c.jwtPublicKey() != null) {
            try {
                auth = new JwtAuthenticator(JwtAuthenticator.readPublicKey(c.jwtPublicKey()), c.jwtIssuer(),
                        c.jwtAudience());
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw new StartupException("cannot read the API's JWT public key " + c.jwtPublicKey() + ": " + e);
            }
        }
        ApiServer api = new ApiServer(new ApiServer.Settings(c.listen(), c.tlsCert(), c.tlsKey()),
                ApiRoutes.router(service), auth);
        try {
            api.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while starting the API");
        } catch (Exception e) {
            api.close();
            throw new StartupException("cannot start the management API on " + HostPort.format(c.listen()) + ": "
                    + e.getMessage());
        }
        if (!c.listen().getAddress().isLoopbackAddress() && c.jwtPublicKey() == null) {
            LOG.warn("The management API listens on {} without authentication: anyone who can reach it can "
                    + "delete volumes. Set api-jwt-public-key (see docs/operations.md)", HostPort.format(c.listen()));
        }
        return api;
    }

    private static void startTarget(NvmeTcpTarget target, ServeConfig config) throws StartupException {
        try {
            target.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while starting");
        } catch (Exception e) {
            // Netty rethrows bind failures (BindException and its native twin) without declaring them.
            throw new StartupException("cannot listen on " + HostPort.format(config.listen())
                    + (config.discoveryListen() == null ? "" : " and " + HostPort.format(config.discoveryListen()))
                    + ": " + e.getMessage());
        }
    }

    private static void release(ClusterMode cluster, ApiServer api, NvmeTcpTarget target, VolumeManager manager,
                                EventLog events, DataDirLock lock) {
        if (cluster != null) {
            cluster.close();
        }
        if (api != null) {
            api.close();
        }
        if (target != null) {
            target.close();
        }
        if (manager != null) {
            manager.close();
        }
        if (events != null) {
            events.close();
        }
        if (lock != null) {
            lock.close();
        }
    }

    /** Raises a "pool nearly full" event when free space falls under the threshold, once per crossing. */
    private void checkPool() {
        try {
            FileStore fs = Files.getFileStore(dataDir);
            double free = (double) fs.getUsableSpace() / Math.max(1, fs.getTotalSpace());
            if (free < POOL_FREE_WARNING && !poolWarned) {
                poolWarned = true;
                events.record("pool.nearly-full", EventLog.WARNING, dataDir.toString(), String.format(
                        "%.1f%% free (%s of %s)", free * 100, Sizes.format(fs.getUsableSpace()),
                        Sizes.format(fs.getTotalSpace())));
            } else if (free >= POOL_FREE_WARNING * 1.5) {
                poolWarned = false;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("pool check failed: {}", e.toString());
        }
        checkEngine();
    }

    /** Raises an event for blocks that failed their checksum since the last check. */
    private void checkEngine() {
        io.basalt.engine.pool.Pool pool = pool();
        if (pool == null) {
            return;
        }
        try {
            long errors = pool.stats().checksumErrors();
            if (errors > checksumErrorsReported) {
                events.record("pool.checksum-error", EventLog.ERROR, dataDir.toString(), (errors - checksumErrorsReported)
                        + " block(s) failed their CRC32C on read (" + errors + " since the pool opened); "
                        + "hosts got Unrecovered Read Error, never the data");
                checksumErrorsReported = errors;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("engine check failed: {}", e.toString());
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public BrickIdentity identity() {
        return identity;
    }

    /** The exported volumes, in export order. */
    public List<ExportedVolume> volumes() {
        return manager.online().stream().map(v -> new ExportedVolume(v.metadata(), v.store())).toList();
    }

    public VolumeManager volumeManager() {
        return manager;
    }

    public ManagementService service() {
        return service;
    }

    public EventLog events() {
        return events;
    }

    /** The bound I/O address (the real port when 0 was asked for). */
    public InetSocketAddress ioAddress() {
        return target.ioAddress();
    }

    /** The bound discovery address, or null when the discovery port is off. */
    public InetSocketAddress discoveryAddress() {
        return target.discoveryAddress();
    }

    /** The management API's bound address, or null when it is off. */
    public InetSocketAddress apiAddress() {
        return api == null ? null : api.address();
    }

    /** Whether the API speaks HTTPS. */
    public boolean apiTls() {
        return api != null && api.tls();
    }

    /** The engine pool, or null while no volume has used the engine backend. */
    public io.basalt.engine.pool.Pool pool() {
        EnginePool engine = manager.enginePool();
        return engine == null ? null : engine.ifOpen();
    }

    /** The brick's cluster membership and agent, or null for a brick on its own. */
    ClusterMode cluster() {
        return cluster;
    }

    public NvmeTcpTarget target() {
        return target;
    }

    /** Closes the API and the target, then the stores (flushing them), then unlocks the data dir. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Stopping: closing connections, then volumes");
        housekeeping.shutdownNow();
        release(cluster, api, target, manager, events, lock);
        LOG.info("Basalt brick stopped");
    }
}
