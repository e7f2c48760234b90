package io.basalt.server.metrics;

import io.basalt.api.client.ApiClient;
import io.basalt.server.Brick;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.ServeConfig;
import io.basalt.control.volume.VolumeSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Fatal transport errors reach /metrics as basalt_transport_fatal_errors_total, by reason. */
class TransportErrorMetricsTest {
    private static final int CONNECTIONS = 20;
    private static final int C2H_TERM_REQ = 3;
    @TempDir
    Path dir;
    private Brick brick;
    private ApiClient api;

    @BeforeEach
    void start() throws Exception {
        brick = Brick.start(new ServeConfig(dir, new InetSocketAddress("127.0.0.1", 0), null,
                List.of(VolumeSpec.parse("name=v,size=1MiB,hosts=any,backend=ram")),
                new ApiConfig(new InetSocketAddress("127.0.0.1", 0), null, null, null, null, null)));
        api = new ApiClient(URI.create("http://127.0.0.1:" + brick.apiAddress().getPort()), null);
    }

    @AfterEach
    void stop() {
        brick.close();
    }

    /** Sends an ICReq whose HLEN is 64 instead of 128; returns the PDU type the target answers with. */
    private int sendMalformedIcReq() throws IOException {
        byte[] icReq = new byte[128];
        icReq[2] = 64; // HLEN
        icReq[4] = (byte) 128; // PLEN, little-endian
        try (Socket s = new Socket()) {
            s.connect(brick.ioAddress(), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(icReq);
            byte[] header = new byte[8];
            new DataInputStream(s.getInputStream()).readFully(header);
            return header[0];
        }
    }

    @Test
    void shouldCountEveryMalformedConnectionByReason() throws Exception {
        for (int i = 0; i < CONNECTIONS; i++) {
            assertThat(sendMalformedIcReq()).isEqualTo(C2H_TERM_REQ);
        }

        String metrics = api.get("/metrics").text();

        assertThat(metrics).contains("basalt_transport_fatal_errors_total{reason=\"invalid_header_field\"} "
                + CONNECTIONS + ".0");
        assertThat(metrics).contains("basalt_transport_fatal_errors_total{reason=\"pdu_sequence_error\"} 0.0",
                "basalt_transport_fatal_errors_total{reason=\"header_digest_error\"} 0.0");
    }
}
