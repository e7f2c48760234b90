package io.basalt.csi.rpc;

import csi.v1.Topology;

/**
 * The reach segment: {@code topology.basalt.io/zone}. Nodes report the zone they are in and the
 * controller the zone its volumes are reachable from (the nodes that can connect to the bricks), so
 * a CO schedules pods only where their volumes can attach: {@code default} unless configured, one
 * zone every node reaches. Where a volume's data lives is another matter, told by
 * {@link FailureDomains}.
 */
public record Zone(String name) {
    public static final String KEY = "topology.basalt.io/zone";
    public static final String DEFAULT = "default";

    public Topology topology() {
        return Topology.newBuilder().putSegments(KEY, name).build();
    }

    /** Whether a topology names this zone (or says nothing about zones). */
    public boolean within(Topology t) {
        String z = t.getSegmentsMap().get(KEY);
        return z == null || z.equals(name);
    }
}
