package io.basalt.api.model;

import java.util.List;

/** {@code GET /api/v1/brick}: who the brick is, where it listens, how full it is. */
public record BrickInfo(String subsystemNqn, String serial, String model, String version, String firmware,
                        List<Endpoint> endpoints, Capacity capacity, int volumes, int connectedHosts,
                        long uptimeSeconds, Versions versions) {
    /** @param kind {@code nvme-tcp}, {@code discovery} or {@code api} */
    public record Endpoint(String kind, String address, int port) {
    }

    /**
     * The pool's space, and what the volumes were given and use. Total and free are the engine
     * pool's usable space once it is open (what {@code backend=engine} volumes share), before that
     * the data dir's file system; {@code dataDir*} are always the data dir's file system.
     *
     * @param overcommitRatio the engine pool's volume sizes per usable byte (0 without a pool); above
     *                        1.0 the pool can fill before its volumes do
     */
    public record Capacity(long totalBytes, long freeBytes, long provisionedBytes, long usedBytes,
                           double overcommitRatio, long dataDirTotalBytes, long dataDirFreeBytes) {
    }

    public record Versions(String basalt, String java, String netty) {
    }
}
