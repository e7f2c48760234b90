package io.basalt.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TcpCongestionTest {
    /** Reno is built into every Linux kernel and any process may choose it. */
    private static final String RENO = "reno";

    @Test
    void shouldApplyTheAlgorithmToTheListenerAndEveryConnectionItAccepts() throws Exception {
        Epoll.ensureAvailability();
        String systemDefault = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).trim();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        try {
            Channel listener = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .option(TcpCongestion.OPTION, TcpCongestion.value(RENO))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            accepted.complete(ch);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            try (Socket client = new Socket()) {
                client.connect(listener.localAddress());
                Channel connection = accepted.get(10, TimeUnit.SECONDS);

                assertThat(TcpCongestion.of(listener)).isEqualTo(RENO);
                assertThat(TcpCongestion.of(connection)).isEqualTo(RENO);
            } finally {
                listener.close().sync();
            }
            if (!systemDefault.equals(RENO)) {
                // Without the option a socket gets the machine's default: the check above saw the option.
                Channel plain = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                            }
                        })
                        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
                assertThat(TcpCongestion.of(plain)).isEqualTo(systemDefault);
                plain.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void shouldPadTheNameWithNulToTheKernelsNameLength() {
        ByteBuffer v = TcpCongestion.value("cubic");

        assertThat(v.remaining()).isEqualTo(16);
        byte[] bytes = new byte[16];
        v.get(bytes);
        byte[] expected = new byte[16];
        System.arraycopy("cubic".getBytes(StandardCharsets.US_ASCII), 0, expected, 0, 5);
        assertThat(bytes).isEqualTo(expected);
    }

    @Test
    void shouldRejectNamesNoKernelAlgorithmCanHave() {
        for (String bad : new String[]{"", "BBR", "dc-tcp", "cubic ", "a234567890123456", "cubic\0"}) {
            assertThatThrownBy(() -> TcpCongestion.value(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1-15 of a-z, 0-9 and _");
        }
        assertThatThrownBy(() -> TcpCongestion.requireValidName(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(TcpCongestion.requireValidName("a23456789012345")).hasSize(15);
    }

    @Test
    void shouldTellBeforeBindingWhetherTheKernelHasTheAlgorithm() {
        Epoll.ensureAvailability();

        assertThat(TcpCongestion.whyNotApplicable(RENO)).isNull();
        assertThat(TcpCongestion.whyNotApplicable("nosuchalgo"))
                .contains("'nosuchalgo' was not applied", "No such file or directory");
    }

    @Test
    void shouldSayWhichAlgorithmsTheKernelHasWhenOneIsMissing() throws IOException {
        String available = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control")).trim();

        assertThat(TcpCongestion.whyNot("nosuchalgo"))
                .contains("'nosuchalgo' was not applied", "this kernel has '" + available + "'", "modprobe tcp_nosuchalgo");
    }
}
