package io.basalt.api.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The management API's HTTP(S) server: Netty's HTTP codec, requests of at most
 * {@link #MAX_BODY_BYTES}, optional TLS (JDK provider), one small event loop group of its own so
 * the API never competes with NVMe/TCP event loops.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    public static final int MAX_BODY_BYTES = 1 << 20;
    /** Idle HTTP connections are closed after this long. */
    static final int IDLE_SECONDS = 120;

    /**
     * @param certificate PEM certificate chain; with {@code key}, serve HTTPS; null for plain HTTP
     * @param key         PEM PKCS#8 private key
     */
    public record Settings(InetSocketAddress listen, Path certificate, Path key) {
        public Settings {
            Objects.requireNonNull(listen);
            if ((certificate == null) != (key == null)) {
                throw new IllegalArgumentException("TLS needs both a certificate and its key");
            }
        }

        public boolean tls() {
            return certificate != null;
        }
    }

    private final Settings settings;
    private final Router router;
    private final Authenticator auth;
    private EventLoopGroup group;
    private Channel channel;

    public ApiServer(Settings settings, Router router, Authenticator auth) {
        this.settings = settings;
        this.router = router;
        this.auth = auth;
    }

    public synchronized void start() throws InterruptedException, SSLException {
        SslContext ssl = settings.tls()
                ? SslContextBuilder.forServer(settings.certificate().toFile(), settings.key().toFile())
                        .sslProvider(SslProvider.JDK).build()
                : null;
        group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("basalt-api"), NioIoHandler.newFactory());
        try {
            channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            if (ssl != null) {
                                p.addLast(ssl.newHandler(ch.alloc()));
                            }
                            p.addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS));
                            p.addLast(new HttpServerCodec());
                            p.addLast(new HttpServerKeepAliveHandler());
                            p.addLast(new JsonErrorAggregator(MAX_BODY_BYTES));
                            p.addLast(new ApiHandler(router, auth));
                            p.addLast(new Closer());
                        }
                    }).bind(settings.listen()).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("Management API listening on {}", url());
    }

    /** Ends idle connections, and connections whose pipeline failed (no answer is possible then). */
    private static final class Closer extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The bound address (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return channel == null ? null : (InetSocketAddress) channel.localAddress();
    }

    public boolean tls() {
        return settings.tls();
    }

    /** Where clients reach the API, e.g. {@code http://127.0.0.1:8080}; null before it has started. */
    public String url() {
        return channel == null ? null : url(settings.tls(), address());
    }

    /** InetSocketAddress.toString() writes "hostname/address:port", hence the host written out here. */
    static String url(boolean tls, InetSocketAddress address) {
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return (tls ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
            channel = null;
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }
}
