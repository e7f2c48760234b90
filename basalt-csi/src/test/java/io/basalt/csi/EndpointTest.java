package io.basalt.csi;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointTest {
    @Test
    void shouldReadTheFormsCosWrite() {
        assertThat(Endpoint.socketPath("unix:///csi/csi.sock")).isEqualTo(Path.of("/csi/csi.sock"));
        assertThat(Endpoint.socketPath("unix:/csi/csi.sock")).isEqualTo(Path.of("/csi/csi.sock"));
        assertThat(Endpoint.socketPath("/csi/csi.sock")).isEqualTo(Path.of("/csi/csi.sock"));
    }

    @Test
    void shouldRefuseANetworkOrRelativeEndpoint() {
        assertThatThrownBy(() -> Endpoint.socketPath("tcp://127.0.0.1:10000")).hasMessageContaining("Unix socket");
        assertThatThrownBy(() -> Endpoint.socketPath("unix://csi.sock")).hasMessageContaining("absolute");
    }
}
