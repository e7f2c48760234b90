package io.basalt.server;

import io.basalt.control.topology.BrickDirectory;
import io.basalt.nvmet.subsystem.Subsystem;
import io.basalt.server.cluster.PathStates;
import io.basalt.server.volume.Volume;

import java.util.List;

/** The cluster's view carried to the brick's subsystem: ANA states of its namespaces, peers for discovery. */
final class SubsystemPaths implements PathStates {
    private final Subsystem subsystem;
    private final String thisBrick;

    SubsystemPaths(Subsystem subsystem, String thisBrick) {
        this.subsystem = subsystem;
        this.thisBrick = thisBrick;
    }

    @Override
    public void volumeState(Volume local, boolean primary) {
    }

    @Override
    public void members(List<BrickDirectory.Member> members) {
    }
}
