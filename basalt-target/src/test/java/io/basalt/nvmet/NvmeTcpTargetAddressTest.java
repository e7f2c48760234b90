package io.basalt.nvmet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class NvmeTcpTargetAddressTest {

    @Test
    void shouldLogAnIpv4AddressWithoutTheLeadingSlash() throws UnknownHostException {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4420);

        assertThat(NvmeTcpTarget.hostPort(a)).isEqualTo("127.0.0.1:4420");
    }

    @Test
    void shouldBracketAnIpv6Address() throws UnknownHostException {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("::1"), 8009);

        assertThat(NvmeTcpTarget.hostPort(a)).isEqualTo("[0:0:0:0:0:0:0:1]:8009");
    }

    @Test
    void shouldKeepAnUnresolvedHostName() {
        assertThat(NvmeTcpTarget.hostPort(InetSocketAddress.createUnresolved("brick-1", 4420))).isEqualTo("brick-1:4420");
    }
}
