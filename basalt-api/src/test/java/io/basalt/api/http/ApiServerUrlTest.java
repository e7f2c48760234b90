package io.basalt.api.http;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** The URL the API server reports (and logs) is one a client can use as is. */
class ApiServerUrlTest {
    @Test
    void shouldReportTheBoundAddressAsAUrl() throws Exception {
        try (ApiServer server = new ApiServer(new ApiServer.Settings(new InetSocketAddress("127.0.0.1", 0), null, null),
                new Router(), Authenticator.NONE)) {
            server.start();

            assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.address().getPort());
        }
    }

    @Test
    void shouldWriteHttpsAndBracketIpv6Addresses() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 8443);

        assertThat(ApiServer.url(true, v6)).isEqualTo("https://[0:0:0:0:0:0:0:1]:8443");
        assertThat(ApiServer.url(false, new InetSocketAddress("10.0.0.5", 8080))).isEqualTo("http://10.0.0.5:8080");
    }
}
