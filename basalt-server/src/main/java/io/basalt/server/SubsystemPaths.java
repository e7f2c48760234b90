package io.basalt.server;

import io.basalt.control.topology.BrickDirectory;
import io.basalt.nvmet.subsystem.AnaState;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.subsystem.PathAddress;
import io.basalt.nvmet.subsystem.Subsystem;
import io.basalt.server.cluster.PathStates;
import io.basalt.server.volume.Volume;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's view carried to this brick's subsystem: each local volume's ANA state (optimized
 * where this brick is the primary, inaccessible where it holds a replica), and the other live
 * bricks' ports for the discovery log, so {@code nvme connect-all} opens a path to each.
 */
final class SubsystemPaths implements PathStates {
    private static final Logger LOG = LoggerFactory.getLogger(SubsystemPaths.class);
    private final Subsystem subsystem;
    private final String thisBrick;

    SubsystemPaths(Subsystem subsystem, String thisBrick) {
        this.subsystem = subsystem;
        this.thisBrick = thisBrick;
    }

    @Override
    public void volumeState(Volume local, boolean primary) {
        Namespace ns = local.namespace();
        if (ns == null) {
            return;
        }
        AnaState wanted = primary ? AnaState.OPTIMIZED : AnaState.INACCESSIBLE;
        if (ns.anaState() != wanted) {
            subsystem.setAnaState(ns.nsid(), wanted);
            LOG.info("Volume {} (NSID {}): this path is now {}", local.metadata().name(), ns.nsid(), wanted);
        }
    }

    @Override
    public void advertise(String host, int port, int portId) {
        subsystem.setOwnPath(new PathAddress(host, port, portId));
    }

    @Override
    public void members(List<BrickDirectory.Member> members) {
        List<PathAddress> peers = new ArrayList<>();
        for (BrickDirectory.Member m : members) {
            if (m.alive() && !m.name().equals(thisBrick)) {
                String address = m.record().nvmeAddress();
                int colon = address.lastIndexOf(':');
                String host = address.substring(0, colon);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                peers.add(new PathAddress(host, Integer.parseInt(address.substring(colon + 1)), m.record().slot()));
            }
        }
        subsystem.setPeerPaths(peers);
    }
}
