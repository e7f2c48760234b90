package io.basalt.csi;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The plugin's gRPC server on a Unix domain socket, where the CO (kubelet, the sidecars) calls it.
 * gRPC's shaded Netty with native epoll serves the socket: it brings its own Netty, so the plugin
 * never mixes gRPC's Netty with the one the rest of Basalt uses. One event loop accepts and serves
 * (CSI traffic is a few calls a second); the calls themselves run on gRPC's executor, since most wait
 * on the REST API or a host command.
 */
public final class CsiServer implements AutoCloseable {
    private final Path socket;
    private final EventLoopGroup loop;
    private final Server server;

    private CsiServer(Path socket, EventLoopGroup loop, Server server) {
        this.socket = socket;
        this.loop = loop;
        this.server = server;
    }

    /** Starts serving the services on the socket; a stale socket file from an earlier run is replaced. */
    public static CsiServer start(Path socket, List<BindableService> services) throws IOException {
        if (!Epoll.isAvailable()) {
            throw new IOException("Unix domain sockets need native epoll (Linux x86_64 or aarch64): "
                    + Epoll.unavailabilityCause());
        }
        Path parent = socket.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.deleteIfExists(socket);
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        NettyServerBuilder b = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(loop).workerEventLoopGroup(loop);
        services.forEach(b::addService);
        try {
            return new CsiServer(socket, loop, b.build().start());
        } catch (IOException | RuntimeException e) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public Path socket() {
        return socket;
    }

    /** Blocks until the server stops. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // The next start replaces it.
        }
    }
}
