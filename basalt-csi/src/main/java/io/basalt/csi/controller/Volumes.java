package io.basalt.csi.controller;

import csi.v1.Volume;
import csi.v1.VolumeCondition;
import io.basalt.api.model.BrickInfo;
import io.basalt.api.model.BrickView;
import io.basalt.api.model.VolumeView;
import io.basalt.csi.rpc.Zone;

import java.util.ArrayList;
import java.util.List;

/** An API volume as CSI shows it, and who it is published to. */
final class Volumes {
    /** The volume_context key naming the API volume (for people: {@code kubectl get pv -o yaml}). */
    static final String CONTEXT_NAME = "basalt.io/volume";
    static final String CONTEXT_BLOCK_SIZE = "basalt.io/blockSize";
    private static final String ANY_HOST = "any";

    private Volumes() {
    }

    static Volume.Builder toCsi(VolumeView v, Zone zone) {
        return Volume.newBuilder()
                .setVolumeId(v.uuid())
                .setCapacityBytes(v.sizeBytes())
                .putVolumeContext(CONTEXT_NAME, v.name())
                .putVolumeContext(CONTEXT_BLOCK_SIZE, Integer.toString(v.blockSize()))
                .addAccessibleTopology(zone.topology());
    }

    /** The host NQNs the volume is published to; a volume open to any host is published to no node in particular. */
    static List<String> publishedTo(VolumeView v) {
        List<String> hosts = new ArrayList<>();
        if (v.hosts() != null) {
            for (String h : v.hosts()) {
                if (!h.equals(ANY_HOST)) {
                    hosts.add(h);
                }
            }
        }
        return hosts;
    }

    static VolumeCondition condition(VolumeView v) {
        boolean online = "online".equals(v.state());
        return VolumeCondition.newBuilder().setAbnormal(!online)
                .setMessage(online ? "online" : "the volume is " + v.state() + ": the brick does not export it").build();
    }

    /**
     * Every NVMe/TCP path to the volume's subsystem, {@code HOST:PORT}: in a cluster, each active
     * brick's advertised address (the node connects them all; multipath takes the optimized one);
     * on a lone brick, its NVMe/TCP endpoint.
     */
    static List<String> targets(BrickInfo brick, List<BrickView> bricks, ControllerSettings settings) {
        if (!settings.targets().isEmpty()) {
            return settings.targets();
        }
        List<String> out = new ArrayList<>();
        if (cluster(bricks)) {
            for (BrickView b : bricks) {
                if ("active".equals(b.state()) && b.nvmeAddress() != null) {
                    out.add(b.nvmeAddress());
                }
            }
            return out;
        }
        for (BrickInfo.Endpoint e : brick.endpoints()) {
            if ("nvme-tcp".equals(e.kind())) {
                String host = wildcard(e.address()) ? settings.apiHost() : e.address();
                out.add((host.contains(":") ? "[" + host + "]" : host) + ":" + e.port());
            }
        }
        return out;
    }

    /** Whether the API is a cluster's (a lone brick answers {@code GET /bricks} with itself, slot 0). */
    static boolean cluster(List<BrickView> bricks) {
        return bricks.size() > 1 || bricks.stream().anyMatch(b -> b.slot() > 0);
    }

    private static boolean wildcard(String address) {
        return address == null || address.isEmpty() || address.equals("0.0.0.0") || address.equals("::")
                || address.equals("[::]");
    }
}
