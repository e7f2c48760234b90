package io.basalt.initiator;

import io.basalt.engine.ram.RamBlockStore;
import io.basalt.nvme.Status;
import io.basalt.nvme.admin.AnaGroupDescriptor;
import io.basalt.nvme.admin.AnaLogHeader;
import io.basalt.nvmet.NvmeTcpTarget;
import io.basalt.nvmet.TargetConfig;
import io.basalt.nvmet.subsystem.AnaState;
import io.basalt.volume.HostAccess;
import io.basalt.nvmet.subsystem.MultipathConfig;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.subsystem.PathAddress;
import io.basalt.nvmet.subsystem.Subsystem;
import io.basalt.volume.Volume;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Two bricks serving one subsystem NQN over real loopback sockets, as a cluster will: each brick
 * a target with its own controller ID range and port ID, the same volume (NSID, UUID) on both,
 * optimized on its primary and inaccessible on the other, each listing the other in discovery.
 */
class TwoPathSubsystemTest {
    private static final String SUBNQN = "nqn.2026-01.io.basalt:cluster-test";
    private static final UUID VOLUME = UUID.nameUUIDFromBytes("volume".getBytes());

    private final List<NvmeTcpTarget> bricks = new ArrayList<>();
    private final NvmeTcpInitiator host = new NvmeTcpInitiator(InitiatorConfig.builder()
            .hostNqn("nqn.2014-08.org.example:cluster-host").ioQueues(1).queueDepth(8).keepAliveMillis(0)
            .connectTimeoutMillis(5000).commandTimeoutMillis(5000).controllerLossTimeoutMillis(0).build());

    @AfterEach
    void stop() {
        host.close();
        bricks.forEach(NvmeTcpTarget::close);
    }

    private NvmeTcpTarget brick(int minCntlid, int maxCntlid, int portId, AnaState state) throws InterruptedException {
        Subsystem s = new Subsystem(SUBNQN, "CLUSTER01", "Basalt", "0.1.0", MultipathConfig.groupPerNamespace(10));
        s.addNamespace(new Namespace(new Volume(1, "vol", VOLUME, new RamBlockStore(1 << 20, 512), HostAccess.any())), state);
        NvmeTcpTarget t = new NvmeTcpTarget(TargetConfig.of(new InetSocketAddress("127.0.0.1", 0), null)
                .withEventLoops(1, false).withPath(minCntlid, maxCntlid, portId), s);
        bricks.add(t);
        t.start();
        return t;
    }

    private static PathAddress pathOf(NvmeTcpTarget t, int portId) {
        return new PathAddress(t.ioAddress().getAddress().getHostAddress(), t.ioAddress().getPort(), portId);
    }

    private static int anaState(NvmeController c) {
        ByteBuf log = c.getLogPage(AnaLogHeader.LOG_PAGE_ID, 0, 4096, false);
        try {
            assertThat(AnaLogHeader.ngrps(log, 0)).isEqualTo(1);
            assertThat(AnaGroupDescriptor.anagrpid(log, AnaLogHeader.LENGTH)).as("group = NSID").isEqualTo(1);
            return AnaGroupDescriptor.state(log, AnaLogHeader.LENGTH);
        } finally {
            log.release();
        }
    }

    @Test
    void shouldServeOneVolumeThroughTwoBricksAsTwoPathsOfOneSubsystem() throws Exception {
        NvmeTcpTarget primary = brick(1, 100, 1, AnaState.OPTIMIZED);
        NvmeTcpTarget replica = brick(101, 200, 2, AnaState.INACCESSIBLE);
        primary.subsystem().setPeerPaths(List.of(pathOf(replica, 2)));
        replica.subsystem().setPeerPaths(List.of(pathOf(primary, 1)));

        DiscoveryLog log = host.discover(replica.ioAddress());
        assertThat(log.entries()).extracting(DiscoveryEntry::port, DiscoveryEntry::portId, DiscoveryEntry::subnqn)
                .as("its own port first, then the peer")
                .containsExactly(tuple(replica.ioAddress().getPort(), 2, SUBNQN),
                        tuple(primary.ioAddress().getPort(), 1, SUBNQN));

        NvmeController a = host.connect(primary.ioAddress(), SUBNQN);
        NvmeController b = host.connect(replica.ioAddress(), SUBNQN);
        assertThat(a.cntlid()).isBetween(1, 100);
        assertThat(b.cntlid()).isBetween(101, 200);
        ByteBuf idA = a.identify(0x00, 1);
        ByteBuf idB = b.identify(0x00, 1);
        assertThat(idA.getByte(30)).as("nmic: shared").isEqualTo((byte) 1);
        assertThat(idB.getByte(30)).as("nmic: shared").isEqualTo((byte) 1);
        assertThat(idA.slice(104, 16)).as("the same NGUID on both paths").isEqualTo(idB.slice(104, 16));
        assertThat(anaState(a)).isEqualTo(AnaGroupDescriptor.STATE_OPTIMIZED);
        assertThat(anaState(b)).isEqualTo(AnaGroupDescriptor.STATE_INACCESSIBLE);

        NamespaceInfo nsA = a.identifyNamespace(1);
        NamespaceInfo nsB = b.identifyNamespace(1);
        ByteBuf data = Unpooled.buffer(512).writeZero(512);
        a.ioQueue(0).writeAsync(nsA, 0, 1, data).get(5, TimeUnit.SECONDS);
        ByteBuf dst = Unpooled.buffer(512);
        assertThatThrownBy(() -> b.ioQueue(0).readAsync(nsB, 0, 1, dst).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(NvmeStatusException.class, e -> {
                    assertThat(e.status()).isEqualTo(Status.ANA_INACCESSIBLE);
                    assertThat(e.doNotRetry()).as("the host must retry on another path").isFalse();
                });

        // Failover: the replica takes over, the old primary steps down.
        replica.subsystem().setAnaState(1, AnaState.CHANGE);
        assertThat(anaState(b)).isEqualTo(AnaGroupDescriptor.STATE_CHANGE);
        primary.subsystem().setAnaState(1, AnaState.INACCESSIBLE);
        replica.subsystem().setAnaState(1, AnaState.OPTIMIZED);
        b.ioQueue(0).readAsync(nsB, 0, 1, dst.clear()).get(5, TimeUnit.SECONDS);
        assertThat(anaState(a)).isEqualTo(AnaGroupDescriptor.STATE_INACCESSIBLE);
        assertThat(anaState(b)).isEqualTo(AnaGroupDescriptor.STATE_OPTIMIZED);
    }
}
