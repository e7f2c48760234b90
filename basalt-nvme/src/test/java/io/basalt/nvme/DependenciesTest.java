package io.basalt.nvme;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The wire formats depend on Netty's buffers only: a transport (channels, event loops, the native
 * epoll library) belongs to {@code basalt-netty} and the modules that open sockets.
 */
class DependenciesTest {

    @Test
    void shouldNotHaveNettysTransportOnTheClasspath() {
        assertThatThrownBy(() -> Class.forName("io.netty.channel.Channel"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void shouldNotHaveTheNativeEpollTransportOnTheClasspath() {
        assertThatThrownBy(() -> Class.forName("io.netty.channel.epoll.Epoll"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
