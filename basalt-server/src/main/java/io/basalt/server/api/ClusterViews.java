package io.basalt.server.api;

import io.basalt.api.ApiException;
import io.basalt.api.model.VolumeView;
import io.basalt.control.topology.BrickDirectory;
import io.basalt.control.topology.BrickState;
import io.basalt.server.cluster.ClusterStatus;
import io.basalt.control.volume.ClusterVolume;
import io.basalt.control.volume.VolumeException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Views of a cluster's volumes: the brick's own view where it holds a replica (with its counters and
 * connected hosts), the recorded spec otherwise; both with where the replicas live.
 */
final class ClusterViews {
    private ClusterViews() {
    }

    static VolumeView volume(ClusterVolume v, ManagementService local, ClusterStatus status,
                             Map<String, VolumeView.Resync> resyncs) {
        Map<String, BrickState> states = new HashMap<>();
        try {
            for (BrickDirectory.Member m : status.members()) {
                states.put(m.name(), ClusterStatus.stateOf(m));
            }
        } catch (VolumeException e) {
            // The placement then shows states as unknown; the volume itself was just read.
        }
        VolumeView base = null;
        if (v.replicas().holds(status.thisBrick())) {
            try {
                VolumeView mine = local.getVolume(v.name());
                base = mine.uuid().equals(v.spec().uuid().toString()) ? mine : null;
            } catch (ApiException notYet) {
                // The agent has not created it here yet.
            }
        }
        if (base == null) {
            base = VolumeViews.remote(v.spec(), states.get(v.replicas().primary()) == BrickState.ACTIVE);
        }
        List<VolumeView.Replica> replicas = new ArrayList<>();
        for (String brick : v.replicas().bricks()) {
            BrickState s = states.get(brick);
            replicas.add(new VolumeView.Replica(brick, brick.equals(v.replicas().primary()) ? "primary" : "secondary",
                    s == null ? "unknown" : s.label(), v.replicas().inSync(brick), resyncs.get(brick)));
        }
        String health = states.get(v.replicas().primary()) != BrickState.ACTIVE ? "unavailable"
                : v.replicas().degraded() ? "degraded" : "healthy";
        return base.withPlacement(new VolumeView.Placement(v.replicas().primary(), v.replicas().epoch(), health,
                replicas, v.allowed().allowed()));
    }
}
