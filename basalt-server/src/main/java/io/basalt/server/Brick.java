package io.basalt.server;

import io.basalt.engine.BlockStore;
import io.basalt.engine.FileBlockStore;
import io.basalt.engine.RamBlockStore;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.device.FileDevice;
import io.basalt.engine.pool.EngineBlockStore;
import io.basalt.engine.pool.Pool;
import io.basalt.engine.pool.PoolConfig;
import io.basalt.server.config.Backend;
import io.basalt.server.config.HostPort;
import io.basalt.server.config.ServeConfig;
import io.basalt.server.volume.BrickIdentity;
import io.basalt.server.volume.DataDirException;
import io.basalt.server.volume.DataDirLock;
import io.basalt.server.volume.VolumeCatalog;
import io.basalt.server.volume.VolumeMetadata;
import io.basalt.target.NvmeTcpTarget;
import io.basalt.target.TargetConfig;
import io.basalt.target.subsystem.Namespace;
import io.basalt.target.subsystem.Subsystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A running brick: the data dir (locked), the engine pool (when a volume uses it), the volumes'
 * stores, the subsystem exporting them as namespaces, and the NVMe/TCP target serving it. {@link
 * #close} stops in reverse order: the target first, so no I/O reaches a closed store.
 */
public final class Brick implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Brick.class);
    /** Identify Controller model number. */
    public static final String MODEL = "Basalt";

    /** A volume being served: what the data dir says about it, and the store holding its blocks. */
    public record ExportedVolume(VolumeMetadata metadata, BlockStore store) {
    }

    private final Path dataDir;
    private final DataDirLock lock;
    private final BrickIdentity identity;
    private final List<ExportedVolume> volumes;
    private final NvmeTcpTarget target;
    private final Pool pool;
    private boolean closed;

    private Brick(Path dataDir, DataDirLock lock, BrickIdentity identity, List<ExportedVolume> volumes,
                  NvmeTcpTarget target, Pool pool) {
        this.dataDir = dataDir;
        this.lock = lock;
        this.identity = identity;
        this.volumes = List.copyOf(volumes);
        this.target = target;
        this.pool = pool;
    }

    /** Opens the data dir and volumes and starts listening; on failure releases all it took. */
    public static Brick start(ServeConfig config) throws StartupException {
        Path dataDir = config.dataDir().toAbsolutePath().normalize();
        DataDirLock lock = null;
        List<ExportedVolume> volumes = new ArrayList<>();
        NvmeTcpTarget target = null;
        Pool pool = null;
        try {
            lock = DataDirLock.acquire(dataDir);
            BrickIdentity identity = BrickIdentity.loadOrCreate(dataDir);
            VolumeCatalog catalog = VolumeCatalog.load(dataDir);
            Subsystem subsystem = new Subsystem(identity.subsystemNqn(), identity.serial(), MODEL,
                    BasaltVersion.firmware());
            List<VolumeMetadata> plan = catalog.reconcile(config.volumes(), ServeConfig.defaultVolume());
            if (plan.stream().anyMatch(v -> v.backend() == Backend.ENGINE)) {
                pool = openPool(dataDir, config.devices(), plan);
            }
            for (VolumeMetadata v : plan) {
                BlockStore store = open(catalog, v, pool);
                volumes.add(new ExportedVolume(v, store));
                subsystem.addNamespace(new Namespace(v.nsid(), v.name(), v.uuid(), store, v.hosts()));
            }
            target = new NvmeTcpTarget(TargetConfig.of(config.listen(), config.discoveryListen()), subsystem);
            startTarget(target, config);
            return new Brick(dataDir, lock, identity, volumes, target, pool);
        } catch (DataDirException | StartupException e) {
            release(target, volumes, pool, lock);
            throw e instanceof StartupException s ? s : new StartupException(e.getMessage());
        } catch (RuntimeException e) {
            release(target, volumes, pool, lock);
            throw e;
        }
    }

    /**
     * Opens (formatting on first use) the pool over the configured devices, or one sparse file in the
     * data dir. Missing files are created sparse, together twice the engine volumes' total size (at
     * least 1 GiB each): thin, so they cost only what is written.
     */
    private static Pool openPool(Path dataDir, List<Path> configured, List<VolumeMetadata> plan)
            throws StartupException {
        List<Path> paths = configured.isEmpty() ? List.of(dataDir.resolve(ServeConfig.DEFAULT_DEVICE_FILE)) : configured;
        long total = plan.stream().filter(v -> v.backend() == Backend.ENGINE).mapToLong(VolumeMetadata::sizeBytes).sum();
        // Only for files that do not exist yet; split over the devices.
        long createSize = Math.max(1L << 30, 2 * total / paths.size());
        List<BlockDevice> devices = new ArrayList<>();
        try {
            for (Path p : paths) {
                if (p.getParent() != null) {
                    Files.createDirectories(p.getParent());
                }
                devices.add(FileDevice.open(p, createSize, true));
            }
            return Pool.openOrCreate(devices, PoolConfig.defaults());
        } catch (IOException | RuntimeException e) {
            for (BlockDevice d : devices) {
                try {
                    d.close();
                } catch (IOException ignored) {
                    // Startup already failed; the first error is the one to report.
                }
            }
            throw new StartupException("cannot open the engine pool on " + paths + ": " + e.getMessage());
        }
    }

    private static BlockStore open(VolumeCatalog catalog, VolumeMetadata v, Pool pool) throws StartupException {
        if (v.backend() == Backend.RAM) {
            return new RamBlockStore(v.sizeBytes(), v.blockSize());
        }
        if (v.backend() == Backend.ENGINE) {
            try {
                EngineBlockStore store = pool.volume(v.name());
                if (store == null) {
                    return pool.createVolume(v.name(), v.sizeBytes(), v.blockSize(), false);
                }
                if (store.blockSize() != v.blockSize()) {
                    throw new StartupException("volume " + v.name() + " has " + store.blockSize()
                            + "-byte blocks in the pool, " + v.blockSize() + " in the catalog");
                }
                if (store.capacityBytes() < v.sizeBytes()) {
                    pool.resizeVolume(v.name(), v.sizeBytes());
                }
                return store;
            } catch (IOException e) {
                throw new StartupException("cannot open volume " + v.name() + " in the pool: " + e.getMessage());
            }
        }
        Path file = catalog.dataFile(v.name());
        try {
            return FileBlockStore.open(file, v.sizeBytes(), v.blockSize());
        } catch (IOException e) {
            throw new StartupException("cannot open volume " + v.name() + " (" + file + "): " + e.getMessage());
        }
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

    private static void release(NvmeTcpTarget target, List<ExportedVolume> volumes, Pool pool, DataDirLock lock) {
        if (target != null) {
            target.close();
        }
        for (ExportedVolume v : volumes) {
            v.store().close();
        }
        if (pool != null) {
            pool.close();
        }
        if (lock != null) {
            lock.close();
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public BrickIdentity identity() {
        return identity;
    }

    /** The exported volumes, in configuration (or NSID) order. */
    public List<ExportedVolume> volumes() {
        return volumes;
    }

    /** The bound I/O address (the real port when 0 was asked for). */
    public InetSocketAddress ioAddress() {
        return target.ioAddress();
    }

    /** The bound discovery address, or null when the discovery port is off. */
    public InetSocketAddress discoveryAddress() {
        return target.discoveryAddress();
    }

    /** The engine pool, or null when no volume uses the engine backend. */
    public Pool pool() {
        return pool;
    }

    public NvmeTcpTarget target() {
        return target;
    }

    /** Closes the target, then the stores (flushing them), then unlocks the data dir. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Stopping: closing connections, then volumes");
        release(target, volumes, pool, lock);
        LOG.info("Basalt brick stopped");
    }
}
