package io.basalt.replication;

import java.time.Duration;

/**
 * The fan-out store's settings, with their defaults in one place.
 *
 * @param regionBytes          changed-block tracking granularity (power of two): smaller copies less after a
 *                             short outage, at a bitmap of capacity / regionBytes bits per replica
 * @param resyncBytesPerSecond the resync's copy rate limit: the means by which host I/O keeps its bandwidth
 *                             while a replica catches up (resync traffic never exceeds this)
 * @param copyBytes            the most one resync copy moves (consecutive changed regions are merged up to it); also
 *                             the verify chunk
 * @param copiesInFlight       resync copies in flight at once (pipelining over the link)
 * @param finalRegions         when no more than this many regions remain, the resync closes the write gate and copies
 *                             the rest with host writes parked: the pause is about this many copies
 * @param maxPasses            passes over the changed regions before the gate is closed whatever remains (a host
 *                             writing faster than the rate limit would otherwise keep the resync going forever)
 * @param gateTimeout          the longest the write gate waits for in-flight writes to drain, and the longest
 *                             a rejoin's record or a copy may take
 * @param retryInterval        how long a resync waits before trying again after a failure or while the link is down
 * @param progressBytes        a progress report after every this many bytes copied
 * @param poolSize             pooled fan-out objects (host operations in flight without allocation)
 * @param maxReplicas          the most other bricks a plan may list
 */
public record ReplicationSettings(int regionBytes, long resyncBytesPerSecond, int copyBytes, int copiesInFlight,
                                  int finalRegions, int maxPasses, Duration gateTimeout, Duration retryInterval,
                                  long progressBytes, int poolSize, int maxReplicas) {
    public static final int REGION_BYTES_DEFAULT = 64 * 1024;
    public static final long RESYNC_BYTES_PER_SECOND_DEFAULT = 256L * 1024 * 1024;
    public static final int COPY_BYTES_DEFAULT = 1024 * 1024;
    public static final int COPIES_IN_FLIGHT_DEFAULT = 4;
    public static final int FINAL_REGIONS_DEFAULT = 64;
    public static final int MAX_PASSES_DEFAULT = 8;
    public static final Duration GATE_TIMEOUT_DEFAULT = Duration.ofSeconds(5);
    public static final Duration RETRY_INTERVAL_DEFAULT = Duration.ofSeconds(1);
    public static final long PROGRESS_BYTES_DEFAULT = 64L * 1024 * 1024;
    public static final int POOL_SIZE_DEFAULT = 1024;
    public static final int MAX_REPLICAS_DEFAULT = 8;

    public ReplicationSettings {
        if (regionBytes <= 0 || Integer.bitCount(regionBytes) != 1) {
            throw new IllegalArgumentException("regionBytes must be a power of two");
        }
        if (copyBytes < regionBytes || copyBytes % regionBytes != 0) {
            throw new IllegalArgumentException("copyBytes must be a multiple of regionBytes");
        }
        if (resyncBytesPerSecond <= 0 || copiesInFlight <= 0 || finalRegions < 0 || maxPasses <= 0
                || progressBytes <= 0 || poolSize <= 0 || maxReplicas <= 0 || maxReplicas > 63) {
            throw new IllegalArgumentException("invalid replication settings");
        }
    }

    /** Every setting at its default. */
    public static ReplicationSettings defaults() {
        return new ReplicationSettings(REGION_BYTES_DEFAULT, RESYNC_BYTES_PER_SECOND_DEFAULT, COPY_BYTES_DEFAULT,
                COPIES_IN_FLIGHT_DEFAULT, FINAL_REGIONS_DEFAULT, MAX_PASSES_DEFAULT, GATE_TIMEOUT_DEFAULT,
                RETRY_INTERVAL_DEFAULT, PROGRESS_BYTES_DEFAULT, POOL_SIZE_DEFAULT, MAX_REPLICAS_DEFAULT);
    }

    public ReplicationSettings withRegionBytes(int bytes) {
        return new ReplicationSettings(bytes, resyncBytesPerSecond, Math.max(copyBytes, bytes), copiesInFlight,
                finalRegions, maxPasses, gateTimeout, retryInterval, progressBytes, poolSize, maxReplicas);
    }

    public ReplicationSettings withResyncBytesPerSecond(long rate) {
        return new ReplicationSettings(regionBytes, rate, copyBytes, copiesInFlight, finalRegions, maxPasses,
                gateTimeout, retryInterval, progressBytes, poolSize, maxReplicas);
    }

    public ReplicationSettings withCopyBytes(int bytes) {
        return new ReplicationSettings(regionBytes, resyncBytesPerSecond, bytes, copiesInFlight, finalRegions,
                maxPasses, gateTimeout, retryInterval, progressBytes, poolSize, maxReplicas);
    }

    public ReplicationSettings withRetryInterval(Duration interval) {
        return new ReplicationSettings(regionBytes, resyncBytesPerSecond, copyBytes, copiesInFlight, finalRegions,
                maxPasses, gateTimeout, interval, progressBytes, poolSize, maxReplicas);
    }

    public ReplicationSettings withPoolSize(int size) {
        return new ReplicationSettings(regionBytes, resyncBytesPerSecond, copyBytes, copiesInFlight, finalRegions,
                maxPasses, gateTimeout, retryInterval, progressBytes, size, maxReplicas);
    }

    public ReplicationSettings withFinalRegions(int regions) {
        return new ReplicationSettings(regionBytes, resyncBytesPerSecond, copyBytes, copiesInFlight, regions,
                maxPasses, gateTimeout, retryInterval, progressBytes, poolSize, maxReplicas);
    }
}
