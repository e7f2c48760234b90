package io.basalt.csi.controller;

import csi.v1.Topology;
import csi.v1.TopologyRequirement;
import io.basalt.api.model.BrickView;
import io.basalt.csi.rpc.CsiErrors;
import io.basalt.csi.rpc.FailureDomains;
import io.basalt.csi.rpc.Zone;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CSI topology read as the bricks' failure domains: a requirement becomes where placement may and
 * should put a new volume, a segment becomes the bricks whose capacity it has.
 *
 * <p>Every node reaches every brick, so any volume is accessible from any requisite topology in the
 * spec's sense; Basalt reads the requisite's failure domains more strictly, as where the data must
 * stay (a StorageClass's {@code allowedTopologies} then keeps volumes in a zone, as an operator who
 * writes one means), and the preferred list as where the primary, which serves the I/O, should be.
 * A requisite topology without failure-domain segments allows any brick.
 */
final class DomainTopology {
    /** The failure-domain sets a requirement allows (empty: any brick) and prefers, best first. */
    record Domains(List<Map<String, String>> allowed, List<Map<String, String>> preferred) {
    }

    private DomainTopology() {
    }

    /**
     * Where a volume may and should be placed; RESOURCE_EXHAUSTED when no requisite topology is in
     * the controller's zone (its volumes are reachable from that zone only).
     */
    static Domains of(Zone zone, TopologyRequirement r) {
        List<Map<String, String>> allowed = new ArrayList<>();
        if (r.getRequisiteCount() > 0) {
            List<Topology> reachable = r.getRequisiteList().stream().filter(zone::within).toList();
            if (reachable.isEmpty()) {
                throw CsiErrors.resourceExhausted("no requisite topology includes zone '" + zone.name() + "'");
            }
            for (Topology t : reachable) {
                Map<String, String> set = FailureDomains.of(t);
                if (set.isEmpty()) {
                    allowed.clear(); // this term allows any brick, so the requirement does
                    break;
                }
                if (!allowed.contains(set)) {
                    allowed.add(set);
                }
            }
        }
        List<Map<String, String>> preferred = new ArrayList<>();
        for (Topology t : r.getPreferredList()) {
            Map<String, String> set = FailureDomains.of(t);
            if (!set.isEmpty() && zone.within(t) && !preferred.contains(set)) {
                preferred.add(set);
            }
        }
        return new Domains(allowed, preferred);
    }

    /** The active bricks in the failure domains of {@code labels} (every active brick when there are none). */
    static List<BrickView> activeIn(List<BrickView> bricks, Map<String, String> labels) {
        return bricks.stream().filter(b -> "active".equals(b.state()))
                .filter(b -> labels.entrySet().stream().allMatch(e -> b.failureDomains() != null
                        && e.getValue().equals(b.failureDomains().get(e.getKey()))))
                .toList();
    }
}
