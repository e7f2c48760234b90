package io.basalt.server.volume;

import io.basalt.engine.pool.Pool;
import io.basalt.engine.pool.PoolStats;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The brick's capacity as {@code basalt info} and /metrics report it. Once the engine pool is open,
 * its usable space is the capacity: what {@code backend=engine} volumes share, the devices less the
 * cleaner's reserve and the over-provisioning. Before, it is the data dir's file system, where file
 * volumes grow. The data dir's file system is reported on its own as well: a thin pool file there
 * competes with everything else on it.
 *
 * @param totalBytes       the engine pool's usable bytes, or the data dir file system's size
 * @param freeBytes        the engine pool's usable bytes not holding live data, or the file system's free space
 * @param provisionedBytes the sizes of the online volumes, every backend
 * @param usedBytes        the bytes the online volumes occupy
 * @param overcommitRatio  {@link Overcommit#ratio()} of the engine pool
 */
public record PoolCapacity(long totalBytes, long freeBytes, long provisionedBytes, long usedBytes,
                           double overcommitRatio, long dataDirTotalBytes, long dataDirFreeBytes) {

    /** Measures now; a file system that cannot be read counts as 0 bytes (the health check names it). */
    public static PoolCapacity of(VolumeManager volumes, Path dataDir) {
        List<Volume> online = volumes.online();
        long provisioned = online.stream().mapToLong(v -> v.metadata().sizeBytes()).sum();
        long used = online.stream().mapToLong(v -> v.store().allocatedBytes()).sum();
        long fsTotal = 0;
        long fsFree = 0;
        try {
            FileStore fs = Files.getFileStore(dataDir);
            fsTotal = fs.getTotalSpace();
            fsFree = fs.getUsableSpace();
        } catch (IOException e) {
            // Reported as 0.
        }
        PoolStats stats = stats(volumes.enginePool());
        if (stats == null) {
            return new PoolCapacity(fsTotal, fsFree, provisioned, used, 0, fsTotal, fsFree);
        }
        Overcommit overcommit = new Overcommit(volumes.engineProvisionedBytes(), stats.usableBytes());
        return new PoolCapacity(stats.usableBytes(), Math.max(0, stats.usableBytes() - stats.liveBytes()), provisioned,
                used, overcommit.ratio(), fsTotal, fsFree);
    }

    /** The open pool's statistics, or null when there is none (or it cannot answer). */
    static PoolStats stats(EnginePool engine) {
        Pool pool = engine == null ? null : engine.ifOpen();
        if (pool == null) {
            return null;
        }
        try {
            return pool.stats();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
