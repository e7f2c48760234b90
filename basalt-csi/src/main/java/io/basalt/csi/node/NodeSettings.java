package io.basalt.csi.node;

import csi.v1.Topology;
import io.basalt.csi.rpc.FailureDomains;
import io.basalt.csi.rpc.Zone;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How the node attaches volumes.
 *
 * @param nodeId          the host NQN to report and connect with; null: read {@code hostNqnFile}
 * @param hostNqnFile     where the host NQN is ({@code /etc/nvme/hostnqn})
 * @param zone            the topology zone the node is in
 * @param ctrlLossTmo     seconds the kernel keeps retrying a lost path before failing I/O
 *                        ({@code nvme connect --ctrl-loss-tmo}; -1: forever)
 * @param reconnectDelay  seconds between those retries ({@code --reconnect-delay})
 * @param deviceTimeout   how long NodeStage waits for the namespace to appear after connecting
 * @param stateDir        where the node records its staged volumes (survives plugin restarts)
 * @param failureDomains  the failure domains the node is in, in the bricks' terms ({@code rack=r1}): where
 *                        the CO asks volumes for its pods to be placed
 */
public record NodeSettings(String nodeId, Path hostNqnFile, Zone zone, int ctrlLossTmo, int reconnectDelay,
                           Duration deviceTimeout, Path stateDir, Map<String, String> failureDomains) {
    public static final Path HOSTNQN_FILE_DEFAULT = Path.of("/etc/nvme/hostnqn");
    /** Long enough to ride out a brick restart, short enough that a dead path fails I/O within minutes. */
    public static final int CTRL_LOSS_TMO_DEFAULT = 600;
    public static final int RECONNECT_DELAY_DEFAULT = 2;

    public NodeSettings {
        failureDomains = Map.copyOf(failureDomains);
    }

    /** A node that names no failure domain. */
    public NodeSettings(String nodeId, Path hostNqnFile, Zone zone, int ctrlLossTmo, int reconnectDelay,
                        Duration deviceTimeout, Path stateDir) {
        this(nodeId, hostNqnFile, zone, ctrlLossTmo, reconnectDelay, deviceTimeout, stateDir, Map.of());
    }

    /** Where the node is: its zone and its failure domains. */
    public Topology topology() {
        return zone.topology().toBuilder().putAllSegments(FailureDomains.segments(failureDomains)).build();
    }
}
