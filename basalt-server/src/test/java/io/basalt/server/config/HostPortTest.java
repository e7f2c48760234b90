package io.basalt.server.config;

import io.basalt.control.volume.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostPortTest {
    @Test
    void shouldParseIpv4AndBracketedIpv6() {
        assertThat(HostPort.parse("127.0.0.1:4420")).isEqualTo(new InetSocketAddress("127.0.0.1", 4420));
        assertThat(HostPort.parse("[::1]:8009")).isEqualTo(new InetSocketAddress("::1", 8009));
        assertThat(HostPort.parse("0.0.0.0:0").getPort()).isZero();
    }

    @Test
    void shouldTurnNoneIntoNoListener() {
        assertThat(HostPort.parseOptional("none")).isNull();
        assertThat(HostPort.parseOptional("NONE")).isNull();
        assertThat(HostPort.parseOptional("127.0.0.1:1")).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "4420", ":4420", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:65536", "::1:4420"})
    void shouldRejectAMalformedAddress(String text) {
        assertThatThrownBy(() -> HostPort.parse(text)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(text);
    }

    @Test
    void shouldFormatWhatItParses() {
        assertThat(HostPort.format(HostPort.parse("[::1]:8009"))).isEqualTo("[0:0:0:0:0:0:0:1]:8009");
        assertThat(HostPort.format(HostPort.parse("127.0.0.1:4420"))).isEqualTo("127.0.0.1:4420");
        assertThat(HostPort.format(null)).isEqualTo("none");
    }
}
