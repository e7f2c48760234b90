package io.basalt.nvmet;

import io.basalt.nvmet.subsystem.MultipathConfig;
import io.basalt.nvmet.subsystem.Subsystem;
import io.basalt.nvmet.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetConfigTest {
    private static final TargetConfig DEFAULTS = TargetConfig.of(new InetSocketAddress("127.0.0.1", 0), null);

    @Test
    void shouldHandOutTheWholeDynamicControllerIdRangeFromPortOneByDefault() {
        assertThat(DEFAULTS.minCntlid()).isEqualTo(1);
        assertThat(DEFAULTS.maxCntlid()).isEqualTo(0xFFEF);
        assertThat(DEFAULTS.portId()).isEqualTo(1);
    }

    @Test
    void shouldKeepThePathThroughTheOtherWithers() {
        TargetConfig c = DEFAULTS.withPath(0x1000, 0x1FFF, 3).withEventLoops(2, false).withNativeTransport(false);
        assertThat(c.minCntlid()).isEqualTo(0x1000);
        assertThat(c.maxCntlid()).isEqualTo(0x1FFF);
        assertThat(c.portId()).isEqualTo(3);
    }

    @Test
    void shouldRefuseAControllerIdRangeOutside1ToFfef() {
        assertThatThrownBy(() -> DEFAULTS.withPath(0, 10, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DEFAULTS.withPath(1, 0xFFF0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DEFAULTS.withPath(20, 10, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DEFAULTS.withPath(1, 10, 0x10000)).isInstanceOf(IllegalArgumentException.class);
        assertThat(DEFAULTS.withPath(0xFFEF, 0xFFEF, 0).maxCntlid()).as("one ID is a range").isEqualTo(0xFFEF);
    }

    @Test
    void shouldRefuseAGroupPerNamespaceWhenTheAnaLogWouldNotFitOneTransfer() {
        // 16 + 1024 * 32 + 1024 * 4 = 36880 bytes: more than 32 KiB (MDTS 2^3 pages).
        TargetConfig small = new TargetConfig(DEFAULTS.listen(), null, DEFAULTS.maxH2cData(),
                DEFAULTS.inCapsuleDataSize(), 3, DEFAULTS.maxQueueEntries(), DEFAULTS.maxIoQueues(), false, 1, false,
                1, 0xFFEF, 1, null);
        Subsystem cluster = new Subsystem(Fixtures.SUBNQN, "SN", "Basalt", "1",
                MultipathConfig.groupPerNamespace(10));
        assertThatThrownBy(() -> new NvmeTcpTarget(small, cluster)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ANA log");
        new NvmeTcpTarget(small, Fixtures.subsystem()).close();
        new NvmeTcpTarget(DEFAULTS, cluster).close();
    }
}
