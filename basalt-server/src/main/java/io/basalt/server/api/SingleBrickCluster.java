package io.basalt.server.api;

import io.basalt.api.ApiException;
import io.basalt.api.model.BrickInfo;
import io.basalt.api.model.BrickView;
import io.basalt.api.model.ClusterView;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A brick run without a cluster answers the cluster endpoints as a cluster of one: itself, always
 * active and the leader, with local metadata. Tools (the CLI, the CSI plugin) then need no second
 * code path for a lone brick.
 */
final class SingleBrickCluster {
    /** The name a lone brick goes by. */
    static final String NAME = "local";

    private SingleBrickCluster() {
    }

    static ClusterView cluster(BrickInfo info) {
        return new ClusterView("single-brick", info.subsystemNqn(), NAME, NAME, "ok", List.of(),
                new ClusterView.Counts(1, 0, 0), info.volumes());
    }

    static List<BrickView> bricks(BrickInfo info, List<String> volumes) {
        return List.of(view(info, volumes));
    }

    static BrickView brick(String name, BrickInfo info, List<String> volumes) {
        if (!NAME.equals(name)) {
            throw ApiException.notFound("no brick '" + name + "': this brick runs without a cluster and is named '"
                    + NAME + "'");
        }
        return view(info, volumes);
    }

    private static BrickView view(BrickInfo info, List<String> volumes) {
        String nvme = info.endpoints().stream().filter(e -> e.kind().equals("nvme-tcp"))
                .map(e -> e.address() + ":" + e.port()).findFirst().orElse(null);
        String api = info.endpoints().stream().filter(e -> e.kind().equals("api"))
                .map(e -> e.address() + ":" + e.port()).findFirst().orElse(null);
        String since = Instant.now().minusSeconds(info.uptimeSeconds()).toString();
        return new BrickView(NAME, "active", since, nvme, api, Map.of(), 0, info.capacity().totalBytes(),
                info.capacity().freeBytes(), true, volumes.size(), volumes.size(), volumes);
    }
}
