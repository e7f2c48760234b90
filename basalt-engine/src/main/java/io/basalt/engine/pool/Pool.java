package io.basalt.engine.pool;

import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.map.ChangedBlocks;
import io.basalt.engine.services.KeyEncryptionKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A storage pool: one log-structured store over N devices, in which every volume is thin
 * provisioned. Volumes are created, resized and deleted at runtime; each is a {@link
 * EngineBlockStore}. All state is owned by one engine thread (see docs/engine.md); the methods here
 * run their work on it and wait.
 *
 * <p>Snapshots and clones: every volume is the leaf of a <em>family</em> tree of images (its
 * snapshots, their clones) that share map chunks copy-on-write and blocks by reference; a snapshot
 * is instant (its chunk directory is copied) and costs no space until the data diverges. Snapshots
 * are identified by id ({@link SnapshotInfo#id()}), volumes by name. See docs/engine.md.
 *
 * <p>Durability invariant: {@link #createVolume}, {@link #resizeVolume}, {@link #deleteVolume},
 * {@link #deleteSnapshot}, {@link #cloneVolume} and {@link #rollback} are durable when they return
 * (each writes a checkpoint); {@link #createSnapshot} is durable when it returns (a log record,
 * synced); I/O as {@link EngineBlockStore} says.
 */
public final class Pool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Pool.class);
    /** Segments a pool needs at least: the cleaner's reserve and room to move data. */
    public static final int MIN_SEGMENTS = 16;

    private final List<BlockDevice> devices;
    private final Engine engine;
    private final long poolId;
    private boolean closed;

    private Pool(List<BlockDevice> devices, Engine engine, long poolId) {
        this.devices = devices;
        this.engine = engine;
        this.poolId = poolId;
    }

    /** Opens the pool on the devices, formatting them if none holds a pool yet; no KEK (no encrypted volumes). */
    public static Pool openOrCreate(List<BlockDevice> devices, PoolConfig config) throws IOException {
        return openOrCreate(devices, config, null);
    }

    /**
     * Opens the pool on the devices, formatting them if none holds a pool yet. Takes ownership of
     * the devices.
     *
     * @param kekOrNull the key-encryption key that wraps encrypted volumes' data keys; needed only
     *                  if the pool holds or will hold encrypted volumes (opening a pool that holds
     *                  one without it, or with another KEK, fails with an IOException saying so)
     */
    public static Pool openOrCreate(List<BlockDevice> devices, PoolConfig config, KeyEncryptionKey kekOrNull)
            throws IOException {
        for (BlockDevice d : devices) {
            if (Superblock.read(d) != null) {
                return open(devices, config, kekOrNull);
            }
        }
        return create(devices, config, kekOrNull);
    }

    /** Formats the devices as a new, empty pool without a KEK. */
    public static Pool create(List<BlockDevice> devices, PoolConfig config) throws IOException {
        return create(devices, config, null);
    }

    /** Formats the devices as a new, empty pool; {@code kekOrNull} as in {@link #openOrCreate}. */
    public static Pool create(List<BlockDevice> devices, PoolConfig config, KeyEncryptionKey kekOrNull)
            throws IOException {
        PoolFormat.Laid pool = PoolFormat.format(devices, config, kekOrNull);
        return start(pool.devices(), pool.engine(), pool.poolId());
    }

    /**
     * The smallest single device {@link #create} formats with this config: the superblock, two
     * checkpoint slots and {@value #MIN_SEGMENTS} segments. Callers sizing a device use it to refuse
     * early, with a reason, instead of creating a file the pool cannot use.
     */
    public static long minimumDeviceBytes(PoolConfig config) {
        return PoolFormat.minimumDeviceBytes(config);
    }

    /** Opens an existing pool without a KEK: the devices may be given in any order, but all of them. */
    public static Pool open(List<BlockDevice> devices, PoolConfig config) throws IOException {
        return open(devices, config, null);
    }

    /** Opens an existing pool; {@code kekOrNull} as in {@link #openOrCreate}. */
    public static Pool open(List<BlockDevice> devices, PoolConfig config, KeyEncryptionKey kekOrNull)
            throws IOException {
        PoolFormat.Laid pool = PoolFormat.recover(devices, config, kekOrNull);
        return start(pool.devices(), pool.engine(), pool.poolId());
    }

    private static Pool start(List<BlockDevice> devices, Engine engine, long poolId) {
        engine.start(Long.toHexString(poolId & 0xFFFF));
        return new Pool(List.copyOf(devices), engine, poolId);
    }

    public long poolId() {
        return poolId;
    }

    /** Creates a thin volume with {@link VolumeOptions#defaults()}; durable on return. */
    public EngineBlockStore createVolume(String name, long capacityBytes, int blockSize, boolean volatileWriteCache)
            throws IOException {
        return createVolume(name, capacityBytes, blockSize, volatileWriteCache, VolumeOptions.defaults());
    }

    /**
     * Creates a thin volume with the given data services; durable on return. An encrypted volume
     * gets a fresh random data key, stored only wrapped by the pool's KEK.
     *
     * @throws IllegalArgumentException if the volume is encrypted and the pool was opened without a KEK
     */
    public EngineBlockStore createVolume(String name, long capacityBytes, int blockSize, boolean volatileWriteCache,
                                         VolumeOptions options) throws IOException {
        java.util.Objects.requireNonNull(options, "options");
        if (blockSize != 512 && blockSize != 4096) {
            throw new IllegalArgumentException("block size must be 512 or 4096");
        }
        if (capacityBytes <= 0 || capacityBytes % blockSize != 0) {
            throw new IllegalArgumentException("capacity must be a positive multiple of the block size");
        }
        if (name == null || name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("volume name must be 1-255 bytes");
        }
        return call(() -> {
            if (find(name) != null) {
                throw new IllegalArgumentException("volume " + name + " exists");
            }
            return engine.createVolume(name, capacityBytes, blockSize, volatileWriteCache, options);
        });
    }

    /**
     * KEK rotation: re-wraps every encrypted volume's data key under {@code newKek} and writes a
     * checkpoint; no data is rewritten. When this returns the devices need {@code newKek} (keep the
     * old one until then: a crash during the call leaves either). On failure nothing changed.
     */
    public void rotateKek(KeyEncryptionKey newKek) throws IOException {
        java.util.Objects.requireNonNull(newKek, "newKek");
        call(() -> {
            engine.rotateKek(newKek);
            return null;
        });
    }

    /** The volume of that name, or null. */
    public EngineBlockStore volume(String name) throws IOException {
        return call(() -> find(name));
    }

    /** The volumes (not their snapshots). */
    public List<EngineBlockStore> volumes() throws IOException {
        return call(() -> engine.volumes.values().stream().filter(v -> v.kind() == EngineBlockStore.VOLUME).toList());
    }

    /** Grows or shrinks a volume; blocks past a smaller size are freed. Durable on return. */
    public void resizeVolume(String name, long capacityBytes) throws IOException {
        call(() -> {
            EngineBlockStore v = require(name);
            if (capacityBytes <= 0 || capacityBytes % v.blockSize() != 0) {
                throw new IllegalArgumentException("capacity must be a positive multiple of the block size");
            }
            engine.resizeVolume(v, capacityBytes);
            return null;
        });
    }

    /**
     * Deletes a volume and frees the space no snapshot or clone shares; its store then fails every
     * operation; its snapshots live on. Durable on return.
     */
    public void deleteVolume(String name) throws IOException {
        call(() -> {
            engine.deleteVolume(require(name));
            return null;
        });
    }

    /**
     * Takes a snapshot of a volume: it holds every write completed before the call (crash-consistent)
     * and reads back the same forever; I/O pauses for about one group commit. Durable on return.
     */
    public SnapshotInfo createSnapshot(String volume, String name) throws IOException {
        checkName(name, "snapshot");
        return call(() -> {
            EngineBlockStore v = require(volume);
            if (findSnapshot(v.id(), name) != null) {
                throw new IllegalArgumentException("volume " + volume + " has a snapshot " + name);
            }
            return info(engine.createSnapshot(v, name));
        });
    }

    /** The snapshots of a volume, oldest first. */
    public List<SnapshotInfo> listSnapshots(String volume) throws IOException {
        return call(() -> {
            int owner = require(volume).id();
            List<SnapshotInfo> out = new ArrayList<>();
            for (EngineBlockStore s : engine.volumes.values()) {
                if (s.kind() == EngineBlockStore.SNAPSHOT && s.ownerId == owner) {
                    out.add(info(s));
                }
            }
            out.sort(Comparator.comparingInt(SnapshotInfo::id));
            return out;
        });
    }

    /** Every snapshot in the pool, including those whose volume was deleted, oldest first. */
    public List<SnapshotInfo> snapshots() throws IOException {
        return call(() -> {
            List<SnapshotInfo> out = new ArrayList<>();
            for (EngineBlockStore s : engine.volumes.values()) {
                if (s.kind() == EngineBlockStore.SNAPSHOT) {
                    out.add(info(s));
                }
            }
            out.sort(Comparator.comparingInt(SnapshotInfo::id));
            return out;
        });
    }

    /** The snapshot {@code name} of a volume, or null. */
    public SnapshotInfo snapshot(String volume, String name) throws IOException {
        return call(() -> {
            EngineBlockStore s = findSnapshot(require(volume).id(), name);
            return s == null ? null : info(s);
        });
    }

    /**
     * Deletes a snapshot; blocks its volume or clones still hold stay, the rest is freed (a snapshot
     * with two or more children lives on hidden until one remains). Durable on return.
     */
    public void deleteSnapshot(int snapshotId) throws IOException {
        call(() -> {
            engine.deleteVolume(requireSnapshot(snapshotId));
            return null;
        });
    }

    /**
     * Creates a writable volume from a snapshot, sharing every block until either side writes.
     * Durable on return.
     */
    public EngineBlockStore cloneVolume(int snapshotId, String name, boolean volatileWriteCache) throws IOException {
        checkName(name, "volume");
        return call(() -> {
            if (find(name) != null) {
                throw new IllegalArgumentException("volume " + name + " exists");
            }
            return engine.cloneVolume(requireSnapshot(snapshotId), name, volatileWriteCache);
        });
    }

    /**
     * Returns a volume to a snapshot's contents (a snapshot of the volume, or any of its family);
     * its size becomes the snapshot's. Hosts should be told their data changed. Durable on return.
     */
    public void rollback(String volume, int snapshotId) throws IOException {
        call(() -> {
            EngineBlockStore v = require(volume);
            EngineBlockStore s = requireSnapshot(snapshotId);
            if (s.family() != v.family()) {
                throw new IllegalArgumentException(s + " is not of the family of " + v);
            }
            engine.rollback(v, s);
            return null;
        });
    }

    /**
     * Changed-block tracking: the block ranges that differ between two images of one family — two
     * snapshots, or a snapshot and a volume (by id: {@link EngineBlockStore#id()} or {@link
     * SnapshotInfo#id()}) — from {@code fromLba}, at most {@code maxRanges} of them.
     */
    public DiffPage diff(int fromImage, int toImage, long fromLba, int maxRanges) throws IOException {
        if (maxRanges <= 0 || fromLba < 0) {
            throw new IllegalArgumentException("maxRanges must be positive and fromLba not negative");
        }
        return call(() -> {
            EngineBlockStore a = requireImage(fromImage);
            EngineBlockStore b = requireImage(toImage);
            if (a.family() != b.family() || a.blockSize() != b.blockSize()) {
                throw new IllegalArgumentException(a + " and " + b + " are not of one family");
            }
            List<DiffPage.Range> ranges = new ArrayList<>();
            long next = ChangedBlocks.diff(a.map, b.map, fromLba, maxRanges,
                    (lba, n) -> ranges.add(new DiffPage.Range(lba, n)));
            return new DiffPage(List.copyOf(ranges), next);
        });
    }

    /**
     * A snapshot as a read-only store (to export it, e.g. for backup): reads see the snapshot,
     * writes, write-zeroes and deallocates fail with {@link io.basalt.block.IoStatus#WRITE_PROTECTED}.
     */
    public EngineBlockStore snapshotStore(int snapshotId) throws IOException {
        return call(() -> requireSnapshot(snapshotId));
    }

    /**
     * Payload bytes held by this volume or snapshot alone: what deleting it frees (unless it has two
     * or more children). Its {@code allocatedBytes()} or {@link SnapshotInfo#mappedBytes()} minus
     * this is shared with its family. Costs a scan of the image's own (unshared) map chunks.
     */
    public long uniqueBytes(int imageId) throws IOException {
        return call(() -> engine.uniqueBytes(requireImage(imageId)));
    }

    private SnapshotInfo info(EngineBlockStore s) {
        EngineBlockStore owner = engine.volumes.get(s.ownerId);
        String ownerName = owner != null && owner.kind() == EngineBlockStore.VOLUME ? owner.name() : null;
        return new SnapshotInfo(s.id(), s.name(), s.ownerId, ownerName, s.createdMillis, s.capacityBytes(),
                s.blockSize(), s.map.mappedBytes());
    }

    private EngineBlockStore findSnapshot(int owner, String name) {
        for (EngineBlockStore s : engine.volumes.values()) {
            if (s.kind() == EngineBlockStore.SNAPSHOT && s.ownerId == owner && s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    private EngineBlockStore requireSnapshot(int id) {
        EngineBlockStore s = engine.volumes.get(id);
        if (s == null || s.kind() != EngineBlockStore.SNAPSHOT) {
            throw new IllegalArgumentException("no snapshot " + id);
        }
        return s;
    }

    private EngineBlockStore requireImage(int id) {
        EngineBlockStore s = engine.volumes.get(id);
        if (s == null || s.kind() == EngineBlockStore.HIDDEN) {
            throw new IllegalArgumentException("no volume or snapshot " + id);
        }
        return s;
    }

    private static void checkName(String name, String what) {
        if (name == null || name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException(what + " name must be 1-255 bytes");
        }
    }

    public PoolStats stats() throws IOException {
        return call(engine::stats);
    }

    /** Writes a checkpoint now. */
    public void checkpoint() throws IOException {
        call(() -> {
            engine.checkpoint();
            return null;
        });
    }

    /**
     * Starts a background checkpoint now, as the engine does every interval of log, unless one is in
     * flight (tests, benchmarks); returns whether it did, once the engine thread has frozen the state.
     */
    boolean startCheckpoint() throws IOException {
        return call(engine::startCheckpoint);
    }

    /** Whether a background checkpoint is being written (tests). */
    boolean checkpointInFlight() throws IOException {
        return call(engine::checkpointInFlight);
    }

    /** {@code nextSeq} at the last durable checkpoint: the cleaner takes only segments below it (tests). */
    long checkpointFloor() throws IOException {
        return call(engine::checkpointFloor);
    }

    /** How long the engine thread paused to start the last background checkpoint, ns (benchmarks). */
    long lastCheckpointPauseNanos() throws IOException {
        return call(engine::lastCheckpointPauseNanos);
    }

    /** Cleans up to {@code segments} segments now; returns how many were freed. */
    public int clean(int segments) throws IOException {
        return call(() -> engine.clean(segments));
    }

    private EngineBlockStore find(String name) {
        for (EngineBlockStore v : engine.volumes.values()) {
            if (v.kind() == EngineBlockStore.VOLUME && v.name().equals(name)) {
                return v;
            }
        }
        return null;
    }

    private EngineBlockStore require(String name) {
        EngineBlockStore v = find(name);
        if (v == null) {
            throw new IllegalArgumentException("no volume " + name);
        }
        return v;
    }

    private <T> T call(Callable<T> work) throws IOException {
        CompletableFuture<T> result = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                throw new IOException("pool closed");
            }
            engine.execute(() -> {
                try {
                    result.complete(work.call());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(cause);
        }
    }

    /** Finishes queued I/O, checkpoints and closes the devices. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        engine.stop();
        closeDevices();
    }

    /** Stops dead, as a crash would: no checkpoint, no sync (tests); the devices are closed. */
    synchronized void halt() {
        if (closed) {
            return;
        }
        closed = true;
        engine.halt();
        closeDevices();
    }

    private void closeDevices() {
        for (BlockDevice d : devices) {
            try {
                d.close();
            } catch (IOException e) {
                LOG.warn("Closing {} failed: {}", d.name(), e.toString());
            }
        }
    }

    /** Where {@code v}'s block {@code lba} is stored, extent references resolved (tests). */
    long placeOf(EngineBlockStore v, long lba) throws IOException {
        return call(() -> {
            long a = v.map.get(lba);
            return PhysAddr.isExtent(a) ? engine.extents().address(PhysAddr.extentId(a)) : a;
        });
    }

    /** Devices sorted by index, for tests. */
    List<BlockDevice> devices() {
        return devices;
    }
}
