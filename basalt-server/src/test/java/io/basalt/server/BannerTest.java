package io.basalt.server;

import io.basalt.control.volume.Backend;
import io.basalt.control.volume.Hosts;
import io.basalt.control.volume.VolumeMetadata;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class BannerTest {
    private static final String NQN = "nqn.2026-01.io.basalt:subsystem:x";

    @Test
    void shouldSuggestTheConnectCommandForTheListenAddress() {
        assertThat(Banner.connectCommand(new InetSocketAddress("127.0.0.1", 4420), NQN))
                .isEqualTo("nvme connect -t tcp -a 127.0.0.1 -s 4420 -n " + NQN);
    }

    @Test
    void shouldNotSuggestDiallingAWildcardAddress() {
        assertThat(Banner.connectCommand(new InetSocketAddress("0.0.0.0", 4420), NQN))
                .startsWith("nvme connect -t tcp -a <this-host-address> -s 4420");
    }

    @Test
    void shouldSizeTheVolumeColumnsToTheLongestValue() {
        String longName = "orders-database-replica-in-the-second-availability-zone-primary";
        String nqn = "nqn.2014-08.org.nvmexpress:uuid:aaaaaaaa-0000-0000-0000-000000000001";
        List<String> lines = Banner.volumeTable(List.of(
                volume("db", 1, 1L << 30, Backend.ENGINE, Hosts.parse("any")),
                volume(longName, 2, 1536L << 20, Backend.FILE, Hosts.parse(nqn)),
                volume("r", 300, 512, Backend.RAM, Hosts.none()))).lines().toList();

        String header = lines.get(0);
        assertThat(header.trim()).startsWith("NSID");
        assertColumn(lines, header.indexOf("NAME"), "db", longName, "r");
        assertColumn(lines, header.indexOf("BACKEND"), "engine", "file", "ram");
        assertColumn(lines, header.indexOf("HOSTS"), "any", nqn, "none");
        assertColumn(lines, header.indexOf("SIZE"), "1 GiB", "1536 MiB", "512 bytes");
    }

    /** Each row's value starts where the column's header starts. */
    private static void assertColumn(List<String> lines, int start, String... values) {
        for (int row = 0; row < values.length; row++) {
            String line = lines.get(row + 1) + " ";
            assertThat(line.substring(start)).as(line).startsWith(values[row] + " ");
        }
    }

    private static VolumeMetadata volume(String name, int nsid, long size, Backend backend,
                                         io.basalt.control.HostList hosts) {
        return new VolumeMetadata(name, nsid, UUID.randomUUID(), size, 512, backend, hosts);
    }
}
