package io.basalt.initiator;

import io.basalt.engine.ram.RamBlockStore;
import io.basalt.nvme.Status;
import io.basalt.nvmet.NvmeTcpTarget;
import io.basalt.nvmet.TargetConfig;
import io.basalt.volume.HostAccess;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.subsystem.Subsystem;
import io.basalt.volume.Volume;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A host that connects with an empty host NQN, as SPDK's initiator does by default: Basalt takes
 * it as an anonymous host that sees exactly the volumes open to any host.
 */
class AnonymousHostTest {
    private static final String SUBNQN = "nqn.2026-01.io.basalt:anonymous-test";
    private static final String LISTED_HOST = "nqn.2014-08.org.example:listed";

    private final Subsystem subsystem = new Subsystem(SUBNQN, "ANON0001", "Basalt", "0.1.0");
    private NvmeTcpTarget target;
    private final NvmeTcpInitiator anonymous = new NvmeTcpInitiator(InitiatorConfig.builder().hostNqn("")
            .ioQueues(1).queueDepth(8).keepAliveMillis(0).connectTimeoutMillis(5000).commandTimeoutMillis(5000)
            .controllerLossTimeoutMillis(0).build());

    private InetSocketAddress start() throws InterruptedException {
        target = new NvmeTcpTarget(TargetConfig.of(new InetSocketAddress("127.0.0.1", 0), null), subsystem);
        target.start();
        return target.ioAddress();
    }

    private void addNamespace(int nsid, HostAccess access) {
        subsystem.addNamespace(new Namespace(new Volume(nsid, "ns" + nsid, UUID.randomUUID(), new RamBlockStore(1 << 20, 512),
                access)));
    }

    @AfterEach
    void stop() {
        anonymous.close();
        if (target != null) {
            target.close();
        }
    }

    @Test
    void shouldConnectAndSeeOnlyTheVolumesOpenToAnyHost() throws InterruptedException {
        addNamespace(1, HostAccess.of(Set.of(LISTED_HOST)));
        addNamespace(2, HostAccess.any());
        InetSocketAddress address = start();

        NvmeController c = anonymous.connect(address, SUBNQN);

        assertThat(c.activeNamespaces()).containsExactly(2);
        assertThat(c.ioQueues()).hasSize(1);
        DiscoveryLog log = anonymous.discover(address);
        assertThat(log.entries()).singleElement().satisfies(e -> assertThat(e.subnqn()).isEqualTo(SUBNQN));
    }

    @Test
    void shouldBeRefusedAsAnUnknownHostWhenNoVolumeIsOpenToAnyHost() throws InterruptedException {
        addNamespace(1, HostAccess.of(Set.of(LISTED_HOST)));
        InetSocketAddress address = start();

        assertThatThrownBy(() -> anonymous.connect(address, SUBNQN)).isInstanceOfSatisfying(
                NvmeStatusException.class, e -> assertThat(e.status())
                        .isEqualTo(Status.CONNECT_INVALID_HOST | Status.DNR));
        assertThat(anonymous.discover(address).entries()).as("discovery admits it, and lists nothing").isEmpty();
    }
}
