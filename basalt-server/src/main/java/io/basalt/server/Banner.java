package io.basalt.server;

import io.basalt.server.config.HostPort;
import io.basalt.server.config.Hosts;
import io.basalt.server.config.Sizes;
import io.basalt.server.volume.VolumeMetadata;

import java.net.InetSocketAddress;

/** The startup summary an operator reads: where the brick listens, who it is, what it exports. */
final class Banner {
    private Banner() {
    }

    static String render(Brick brick) {
        StringBuilder b = new StringBuilder();
        String nqn = brick.identity().subsystemNqn();
        b.append("Basalt ").append(BasaltVersion.version()).append(" brick is serving\n");
        b.append(String.format("  %-11s %s%n", "NVMe/TCP", HostPort.format(brick.ioAddress())));
        b.append(String.format("  %-11s %s%n", "discovery", brick.discoveryAddress() == null
                ? "on the NVMe/TCP port only" : HostPort.format(brick.discoveryAddress())));
        b.append(String.format("  %-11s %s%n", "API", brick.apiAddress() == null ? "off"
                : (brick.apiTls() ? "https://" : "http://") + HostPort.format(brick.apiAddress())));
        b.append(String.format("  %-11s %s%n", "subsystem", nqn));
        b.append(String.format("  %-11s %s%n", "serial", brick.identity().serial()));
        b.append(String.format("  %-11s %s%n", "data dir", brick.dataDir()));
        b.append("  volumes\n");
        b.append(String.format("    %-5s %-20s %10s %6s %-7s %s%n", "NSID", "NAME", "SIZE", "BLOCK", "BACKEND", "HOSTS"));
        for (Brick.ExportedVolume v : brick.volumes()) {
            VolumeMetadata m = v.metadata();
            b.append(String.format("    %-5d %-20s %10s %6d %-7s %s%n", m.nsid(), m.name(),
                    Sizes.format(m.sizeBytes()), m.blockSize(), m.backend().label(), Hosts.format(m.hosts())));
        }
        b.append("  connect:   ").append(connectCommand(brick.ioAddress(), nqn)).append('\n');
        return b.toString();
    }

    /** The host-side command; a wildcard listen address cannot be dialled, so it is left for the reader. */
    static String connectCommand(InetSocketAddress io, String nqn) {
        String host = io.getAddress() != null && io.getAddress().isAnyLocalAddress()
                ? "<this-host-address>" : io.getAddress() == null ? io.getHostString() : io.getAddress().getHostAddress();
        return "nvme connect -t tcp -a " + host + " -s " + io.getPort() + " -n " + nqn;
    }
}
