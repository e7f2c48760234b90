package io.basalt.nvmet.controller;

import io.basalt.nvme.Status;
import io.basalt.nvme.admin.IdentifyControllerData;
import io.basalt.nvmet.subsystem.Subsystem;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.ReceivedPdu;
import io.basalt.nvmet.testing.Sqes;
import io.basalt.nvmet.testing.TestHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Controller IDs come only from the brick's configured range, as a multi-brick subsystem needs. */
class ControllerRegistryTest {
    private final List<TestHost> hosts = new ArrayList<>();

    @AfterEach
    void tearDown() {
        hosts.forEach(TestHost::close);
    }

    private ReceivedPdu connectAdmin(ControllerRegistry registry, String subNqn) {
        TestHost h = new TestHost(registry);
        hosts.add(h);
        h.initialize(false, false);
        return h.connect(0, 31, 0xFFFF, subNqn, Fixtures.HOST, 0, 0);
    }

    private static ControllerRegistry registryWithIds(int min, int max) {
        return new ControllerRegistry(Fixtures.subsystem(), Fixtures.config().withPath(min, max, 1));
    }

    @Test
    void shouldStartAtTheFirstIdOfTheWholeDynamicRangeByDefault() {
        ControllerRegistry registry = Fixtures.registry();
        assertThat(connectAdmin(registry, Fixtures.SUBNQN).cqeResult() & 0xFFFF).isEqualTo(1);
        assertThat(connectAdmin(registry, Fixtures.SUBNQN).cqeResult() & 0xFFFF).isEqualTo(2);
    }

    @Test
    void shouldHandOutIdsOnlyInsideTheConfiguredRange() {
        ControllerRegistry registry = registryWithIds(0x4000, 0x4002);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ReceivedPdu resp = connectAdmin(registry, i == 1 ? Subsystem.DISCOVERY_NQN : Fixtures.SUBNQN);
            assertThat(resp.cqeStatus()).as(Status.describe(resp.cqeStatus())).isZero();
            ids.add(resp.cqeResult() & 0xFFFF);
        }
        assertThat(ids).as("discovery controllers too").containsExactly(0x4000L, 0x4001L, 0x4002L);

        ReceivedPdu busy = connectAdmin(registry, Fixtures.SUBNQN);
        assertThat(busy.cqeStatus()).as("the range is used up")
                .isEqualTo(Status.CONNECT_CONTROLLER_BUSY | Status.DNR);
    }

    @Test
    void shouldReuseAFreedIdOfTheRangeAfterWrapping() {
        ControllerRegistry registry = registryWithIds(500, 501);
        connectAdmin(registry, Fixtures.SUBNQN);
        connectAdmin(registry, Fixtures.SUBNQN);
        hosts.remove(0).close();
        assertThat(registry.get(500)).isNull();
        ReceivedPdu resp = connectAdmin(registry, Fixtures.SUBNQN);
        assertThat(resp.cqeStatus()).isZero();
        assertThat(resp.cqeResult() & 0xFFFF).isEqualTo(500);
    }

    @Test
    void shouldReportTheAllocatedIdInIdentifyController() {
        ControllerRegistry registry = Fixtures.clusterRegistry();
        TestHost h = new TestHost(registry);
        hosts.add(h);
        int cntlid = h.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        assertThat(cntlid).isEqualTo(Fixtures.CLUSTER_MIN_CNTLID);
        TestHost.Reply id = h.transfer(Sqes.identify(h.cid(), 0x01, 0), 4096);
        assertThat(id.data().getUnsignedShortLE(IdentifyControllerData.CNTLID_OFFSET)).isEqualTo(cntlid);
    }
}
