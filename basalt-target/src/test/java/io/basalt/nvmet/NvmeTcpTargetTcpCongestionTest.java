package io.basalt.nvmet;

import io.basalt.nvmet.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The target's TCP congestion control setting: applied to its listener, or refused at start with the reason. */
class NvmeTcpTargetTcpCongestionTest {
    private static TargetConfig onFreePort() {
        return TargetConfig.of(new InetSocketAddress("127.0.0.1", 0), null);
    }

    @Test
    void shouldListenWithTheConfiguredAlgorithm() throws Exception {
        // Reno is built into every Linux kernel and any process may choose it.
        try (NvmeTcpTarget target = new NvmeTcpTarget(onFreePort().withTcpCongestion("reno"), Fixtures.subsystem())) {
            target.start();

            assertThat(target.ioListenerTcpCongestion()).isEqualTo("reno");
        }
    }

    @Test
    void shouldRefuseToStartWithAnAlgorithmTheKernelLacksAndLeaveThePortFree() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        TargetConfig config = TargetConfig.of(new InetSocketAddress("127.0.0.1", port), null)
                .withTcpCongestion("nosuchalgo");
        NvmeTcpTarget target = new NvmeTcpTarget(config, Fixtures.subsystem());

        assertThatThrownBy(target::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'nosuchalgo' was not applied").hasMessageContaining("this kernel has");
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
        target.close();
    }

    @Test
    void shouldRefuseTheSettingWithoutTheEpollTransport() {
        NvmeTcpTarget target = new NvmeTcpTarget(onFreePort().withNativeTransport(false).withTcpCongestion("reno"),
                Fixtures.subsystem());

        assertThatThrownBy(target::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs the epoll transport");
        target.close();
    }

    @Test
    void shouldRejectANameNoAlgorithmCanHave() {
        assertThatThrownBy(() -> onFreePort().withTcpCongestion("Cubic!")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1-15 of a-z, 0-9 and _");
    }
}
