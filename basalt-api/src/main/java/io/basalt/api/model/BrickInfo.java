package io.basalt.api.model;

import java.util.List;

/** {@code GET /api/v1/brick}: who the brick is, where it listens, how full it is. */
public record BrickInfo(String subsystemNqn, String serial, String model, String version, String firmware,
                        List<Endpoint> endpoints, Capacity capacity, int volumes, int connectedHosts,
                        long uptimeSeconds, Versions versions) {
    /** @param kind {@code nvme-tcp}, {@code discovery} or {@code api} */
    public record Endpoint(String kind, String address, int port) {
    }

    /** The data dir's file system, and what the volumes were given and use. */
    public record Capacity(long totalBytes, long freeBytes, long provisionedBytes, long usedBytes) {
    }

    public record Versions(String basalt, String java, String netty) {
    }
}
