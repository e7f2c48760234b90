package io.basalt.server;

import io.basalt.units.Sizes;
import io.basalt.cli.Table;
import io.basalt.server.config.HostPort;
import io.basalt.control.volume.Hosts;
import io.basalt.server.version.BasaltVersion;
import io.basalt.control.volume.VolumeMetadata;

import java.net.InetSocketAddress;
import java.util.List;

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
        b.append(volumeTable(brick.volumes().stream().map(Brick.ExportedVolume::metadata).toList()));
        b.append("  connect:   ").append(connectCommand(brick.ioAddress(), nqn)).append('\n');
        return b.toString();
    }

    /** One line per volume, each column as wide as its longest value (names run to 64 characters). */
    static String volumeTable(List<VolumeMetadata> volumes) {
        return Table.format("    ", List.of("NSID", "NAME", "SIZE", "BLOCK", "BACKEND", "HOSTS"), volumes.stream()
                .map(m -> List.of(Integer.toString(m.nsid()), m.name(), Sizes.format(m.sizeBytes()),
                        Integer.toString(m.blockSize()), m.backend().label(), Hosts.format(m.hosts())))
                .toList());
    }

    /** The host-side command; a wildcard listen address cannot be dialled, so it is left for the reader. */
    static String connectCommand(InetSocketAddress io, String nqn) {
        String host = io.getAddress() != null && io.getAddress().isAnyLocalAddress()
                ? "<this-host-address>" : io.getAddress() == null ? io.getHostString() : io.getAddress().getHostAddress();
        return "nvme connect -t tcp -a " + host + " -s " + io.getPort() + " -n " + nqn;
    }
}
