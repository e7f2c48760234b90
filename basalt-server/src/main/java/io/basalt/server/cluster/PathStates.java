package io.basalt.server.cluster;

import io.basalt.control.topology.BrickDirectory;
import io.basalt.server.volume.Volume;

import java.util.List;

/**
 * What the agent changes on the brick's NVMe side as the cluster changes: each local volume's ANA
 * state, and the other paths of the subsystem that discovery advertises.
 */
public interface PathStates {
    /** The volume's path through this brick: optimized when the brick is its primary, else inaccessible. */
    void volumeState(Volume local, boolean primary);

    /** How discovery names this brick's own port: the address hosts reach it at. */
    void advertise(String host, int port, int portId);

    /** The cluster's members now: discovery lists the NVMe/TCP address of every live one. */
    void members(List<BrickDirectory.Member> members);
}
