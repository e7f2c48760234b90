package io.basalt.control.etcd;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where an {@link EtcdMetadataStore} finds etcd and how long it waits for it.
 *
 * @param endpoints        etcd members' client URLs ({@code http://127.0.0.1:2379}); any may answer
 * @param rootPrefix       the etcd key prefix under which every key of this cluster lives, ending
 *                         in {@code /} ({@link #clusterPrefix}: {@code /basalt/CLUSTER/}), so several
 *                         clusters (or tests) share one etcd without seeing each other
 * @param operationTimeout how long any one call may take before it fails with
 *                         {@link io.basalt.control.MetadataUnavailableException}
 */
public record EtcdSettings(List<URI> endpoints, String rootPrefix, Duration operationTimeout) {
    /** Long enough for an etcd leader election (1 s by default) and a retry; short enough for a 503. */
    public static final Duration OPERATION_TIMEOUT_DEFAULT = Duration.ofSeconds(3);

    public EtcdSettings {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no etcd endpoint given");
        }
        Objects.requireNonNull(rootPrefix);
        if (!rootPrefix.startsWith("/") || !rootPrefix.endsWith("/") || rootPrefix.length() < 2) {
            throw new IllegalArgumentException("etcd root prefix must start and end with '/' and name something: "
                    + rootPrefix);
        }
        if (operationTimeout.isNegative() || operationTimeout.isZero()) {
            throw new IllegalArgumentException("etcd operation timeout must be positive: " + operationTimeout);
        }
    }

    /** The cluster's keys under {@code /basalt/CLUSTER/}, with the default timeout. */
    public static EtcdSettings forCluster(List<URI> endpoints, String cluster) {
        return new EtcdSettings(endpoints, clusterPrefix(cluster), OPERATION_TIMEOUT_DEFAULT);
    }

    public static String clusterPrefix(String cluster) {
        if (cluster.isEmpty() || cluster.contains("/")) {
            throw new IllegalArgumentException("invalid cluster name " + cluster);
        }
        return "/basalt/" + cluster + "/";
    }

    public EtcdSettings withOperationTimeout(Duration timeout) {
        return new EtcdSettings(endpoints, rootPrefix, timeout);
    }
}
