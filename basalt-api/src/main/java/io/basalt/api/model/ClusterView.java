package io.basalt.api.model;

import java.util.List;

/**
 * {@code GET /api/v1/cluster}: the cluster this brick belongs to, as the brick answering sees it.
 * A brick run without a cluster is a cluster of one, with local metadata.
 *
 * @param mode         {@code single-brick} (local metadata) or {@code etcd}
 * @param subsystemNqn the one subsystem every brick serves
 * @param leader       the brick running placement and failure handling, or null while none is elected
 * @param thisBrick    the brick that answered
 * @param metadata     {@code ok}, or why the metadata store cannot be reached
 * @param etcdEndpoints the etcd members the brick talks to (empty on a single brick)
 * @param bricks       counts by state
 * @param volumes      how many volumes the cluster holds
 */
public record ClusterView(String mode, String subsystemNqn, String leader, String thisBrick, String metadata,
                          List<String> etcdEndpoints, Counts bricks, int volumes) {
    public record Counts(int active, int unreachable, int failed) {
    }
}
