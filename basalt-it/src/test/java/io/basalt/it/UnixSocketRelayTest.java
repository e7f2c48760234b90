package io.basalt.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The loopback-TCP-to-Unix-socket relay that carries the guest's CSI calls to the plugin. */
class UnixSocketRelayTest {

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldStillCarryTheAnswerAfterTheClientHalfClosed(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            // a server that answers only once the request has ended: socat half-closes after its input
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel c = server.accept()) {
                    String request = new String(Channels.newInputStream(c).readAllBytes(), StandardCharsets.US_ASCII);
                    c.write(ByteBuffer.wrap(("answer to " + request).getBytes(StandardCharsets.US_ASCII)));
                    return request;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (UnixSocketRelay relay = UnixSocketRelay.start(sock);
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
                client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();
                InputStream in = client.getInputStream();

                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("answer to ping");
                assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("ping");
            }
        }
    }
}
