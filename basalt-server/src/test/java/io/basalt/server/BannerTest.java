package io.basalt.server;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

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
}
