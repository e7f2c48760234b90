package io.basalt.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forwards connections to a loopback TCP port to a Unix domain socket, byte for byte: how a guest
 * (which reaches this machine's loopback as 10.0.2.2) talks to the CSI plugin's socket here. The
 * guest end, a Unix socket forwarding to that port, is socat's (csi-program.sh).
 */
final class UnixSocketRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final Path socket;

    private UnixSocketRelay(ServerSocket listener, Path socket) {
        this.listener = listener;
        this.socket = socket;
    }

    /** Listens on 127.0.0.1 at a free port and relays each connection to {@code socket}. */
    static UnixSocketRelay start(Path socket) throws IOException {
        UnixSocketRelay r = new UnixSocketRelay(new ServerSocket(0, 16, InetAddress.getLoopbackAddress()), socket);
        Thread.ofPlatform().daemon().name("relay-accept").start(r::acceptLoop);
        return r;
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket tcp = listener.accept();
                SocketChannel unix = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                AtomicInteger open = new AtomicInteger(2);
                pump(tcp.getInputStream(), Channels.newOutputStream(unix), unix::shutdownOutput, open, tcp, unix);
                pump(Channels.newInputStream(unix), tcp.getOutputStream(), tcp::shutdownOutput, open, tcp, unix);
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    System.out.println("[relay] " + e);
                }
            }
        }
    }

    /** What ends one direction: a half-close, so the answer still flows the other way. */
    private interface HalfClose {
        void shutdownOutput() throws IOException;
    }

    /**
     * Copies one direction until it ends and passes the end on as a half-close; the connection is
     * closed once both directions have ended, or at once on an error.
     */
    private static void pump(InputStream in, OutputStream out, HalfClose end, AtomicInteger open, Socket tcp,
                             SocketChannel unix) {
        Thread.ofPlatform().daemon().name("relay-pump").start(() -> {
            boolean clean = false;
            try {
                in.transferTo(out);
                end.shutdownOutput();
                clean = true;
            } catch (IOException e) {
                // the other side went away
            } finally {
                if (!clean || open.decrementAndGet() == 0) {
                    try {
                        tcp.close();
                        unix.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
            }
        });
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
