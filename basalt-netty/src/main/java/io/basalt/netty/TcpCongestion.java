package io.basalt.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.RawUnixChannelOption;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A socket's TCP congestion control algorithm (Linux {@code TCP_CONGESTION}) as a channel option of
 * the epoll transport, so a brick can choose the algorithm for its storage connections without
 * changing the machine's default for every other service ({@code net.ipv4.tcp_congestion_control}).
 * Set on a listening socket, it is inherited by every connection the socket accepts.
 *
 * <p>Why a brick may want it: a machine whose default is BBR paces its sends from timers, and over
 * loopback those paced segments can arrive out of order (the kernel hands each CPU's sends to that
 * CPU's backlog), which the receiver answers with duplicate ACKs and the sender with spurious
 * retransmissions — measured in docs/benchmarks.md. Storage networks also often run DCTCP.
 */
public final class TcpCongestion {
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_CONGESTION = 13;
    /** Linux's TCP_CA_NAME_MAX: a name of at most 15 bytes and its NUL. */
    static final int NAME_BYTES = 16;
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,15}");
    private static final Path AVAILABLE = Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control");
    private static final Path ALLOWED = Path.of("/proc/sys/net/ipv4/tcp_allowed_congestion_control");

    /** The option; its value is {@link #value}'s buffer. Epoll transport only. */
    public static final RawUnixChannelOption OPTION =
            new RawUnixChannelOption("TCP_CONGESTION", IPPROTO_TCP, TCP_CONGESTION, NAME_BYTES);

    private TcpCongestion() {
    }

    /** Throws unless {@code name} can name an algorithm: 1-15 of a-z, 0-9 and _. */
    public static String requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a TCP congestion control name is 1-15 of a-z, 0-9 and _ (e.g. cubic),"
                    + " got '" + name + "'");
        }
        return name;
    }

    /** The option's value for {@code name}: its bytes, NUL-padded to the option's length. */
    public static ByteBuffer value(String name) {
        ByteBuffer b = ByteBuffer.allocate(NAME_BYTES);
        b.put(requireValidName(name).getBytes(StandardCharsets.US_ASCII));
        return b.clear();
    }

    /** The algorithm a channel of the epoll transport uses. */
    public static String of(Channel channel) {
        ByteBuffer b = channel.config().getOption(OPTION);
        StringBuilder name = new StringBuilder();
        while (b.hasRemaining()) {
            byte c = b.get();
            if (c == 0) {
                break;
            }
            name.append((char) c);
        }
        return name.toString();
    }

    /**
     * Null if this process can give a socket the algorithm {@code name}, else why not (for an
     * operator): tried on a socket of its own, so a listener is never bound without it. Epoll only.
     */
    public static String whyNotApplicable(String name) {
        ByteBuffer value = value(name);
        EpollSocketChannel probe = new EpollSocketChannel();
        try {
            probe.config().setOption(OPTION, value);
            return null;
        } catch (ChannelException e) {
            return whyNot(name) + " [" + e.getMessage() + "]";
        } finally {
            probe.unsafe().closeForcibly();
        }
    }

    /**
     * Why {@code name} was not applied, for an operator: the algorithms this kernel has, and those an
     * unprivileged process may choose.
     */
    public static String whyNot(String name) {
        return "TCP congestion control '" + name + "' was not applied: this kernel has " + read(AVAILABLE)
                + "; a process without CAP_NET_ADMIN may choose " + read(ALLOWED)
                + " (others need their module loaded, e.g. modprobe tcp_" + name + ")";
    }

    private static String read(Path p) {
        try {
            return "'" + Files.readString(p).trim() + "'";
        } catch (IOException e) {
            return "(unknown: " + p + " unreadable)";
        }
    }
}
