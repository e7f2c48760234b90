package io.basalt.server;

import io.basalt.nvmet.NvmeTcpTarget;
import io.basalt.nvmet.controller.Controller;
import io.basalt.server.api.TargetStatus;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/** The management API's view of the brick's target, read from it at each call. */
final class NvmeTargetStatus implements TargetStatus {
    private final NvmeTcpTarget target;

    NvmeTargetStatus(NvmeTcpTarget target) {
        this.target = target;
    }

    @Override
    public InetSocketAddress ioAddress() {
        return target.ioAddress();
    }

    @Override
    public InetSocketAddress discoveryAddress() {
        return target.discoveryAddress();
    }

    @Override
    public String subsystemNqn() {
        return target.subsystem().nqn();
    }

    @Override
    public String serial() {
        return target.subsystem().serial();
    }

    @Override
    public String model() {
        return target.subsystem().model();
    }

    @Override
    public List<HostConnection> connections() {
        return target.controllers().controllers().stream().filter(c -> !c.isDiscovery())
                .map(NvmeTargetStatus::connection).toList();
    }

    private static HostConnection connection(Controller c) {
        return new HostConnection(c.hostNqn(), c.cntlid(), Objects.toString(c.remoteAddress(), null),
                c.ioQueueCount(), c.isShutDown());
    }
}
