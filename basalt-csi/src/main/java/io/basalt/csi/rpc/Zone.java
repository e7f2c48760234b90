package io.basalt.csi.rpc;

import csi.v1.Topology;
import csi.v1.TopologyRequirement;

/**
 * The topology segment Basalt reports: {@code topology.basalt.io/zone}. Nodes report the zone they
 * are in and the controller the zone its volumes are reachable from, so a CO schedules pods only
 * where their volumes can attach. A single brick (or a cluster without failure domains) is one zone
 * that every node reaches, {@code default} unless configured; a cluster's failure domains become
 * zones when the cluster API reports them.
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

    /** Whether a volume here may satisfy the requirement: no requisite, or one requisite that this zone meets. */
    public boolean satisfies(TopologyRequirement r) {
        return r.getRequisiteCount() == 0 || r.getRequisiteList().stream().anyMatch(this::within);
    }
}
