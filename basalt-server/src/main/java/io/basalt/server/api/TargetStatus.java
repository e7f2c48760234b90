package io.basalt.server.api;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What the management API shows of the brick's NVMe/TCP target: where it listens, the subsystem
 * it serves, and the hosts connected to it. The daemon adapts the target to this, so the API does
 * not reach into the target's controllers.
 */
public interface TargetStatus {
    /** The I/O listener's address, or null when it is not listening. */
    InetSocketAddress ioAddress();

    /** The discovery listener's address, or null when there is none. */
    InetSocketAddress discoveryAddress();

    String subsystemNqn();

    String serial();

    String model();

    /** The live I/O controllers (not discovery ones), one per host connection. */
    List<HostConnection> connections();

    /**
     * One host's controller.
     *
     * @param hostNqn       as the host sent it (empty for an anonymous host)
     * @param remoteAddress the host's address, or null when unknown
     * @param shutDown      the host shut the controller down (it is going away)
     */
    record HostConnection(String hostNqn, int cntlid, String remoteAddress, int ioQueues, boolean shutDown) {
    }
}
