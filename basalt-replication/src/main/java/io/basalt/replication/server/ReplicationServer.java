package io.basalt.replication.server;

import io.basalt.netty.EventLoops;
import io.basalt.replication.ReplicaVolumes;
import io.basalt.replication.wire.RequestDecoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * This brick's end of the replica protocol: listens on one address, and applies what volumes'
 * primaries send to the replicas {@link ReplicaVolumes} finds here. Native epoll where available,
 * NIO otherwise. A connection that breaks the protocol is closed and logged; the server and its
 * other connections go on.
 */
public final class ReplicationServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationServer.class);

    public static final int EVENT_LOOPS_DEFAULT = 2;
    /** Requests one connection may have in its stores before the server stops reading from it. */
    public static final int MAX_IN_FLIGHT_PER_CONNECTION_DEFAULT = 256;
    /** How long {@link #close} waits for operations already in the stores. */
    public static final long CLOSE_WAIT_MILLIS = 10_000;

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();

    /** Listens with the default event loops and in-flight cap; see the full constructor. */
    public ReplicationServer(InetSocketAddress address, ReplicaVolumes volumes) {
        this(address, volumes, EVENT_LOOPS_DEFAULT, MAX_IN_FLIGHT_PER_CONNECTION_DEFAULT);
    }

    /**
     * Binds and starts accepting at once.
     *
     * @param address where to listen; port 0 picks a free one (see {@link #port})
     * @throws IllegalStateException when the address cannot be bound
     */
    public ReplicationServer(InetSocketAddress address, ReplicaVolumes volumes, int eventLoops,
                             int maxInFlightPerConnection) {
        if (eventLoops < 1 || maxInFlightPerConnection < 1) {
            throw new IllegalArgumentException("event loops and in-flight cap must be positive");
        }
        this.group = new MultiThreadIoEventLoopGroup(eventLoops, new DefaultThreadFactory("basalt-replica-server"),
                EventLoops.ioHandlerFactory(true, false));
        ServerConnection.ConnectionRegistry registry = new ServerConnection.ConnectionRegistry() {
            @Override
            public void add(ServerConnection connection) {
                connections.add(connection);
            }

            @Override
            public void remove(ServerConnection connection) {
                connections.remove(connection);
            }
        };
        ServerBootstrap bootstrap = new ServerBootstrap().group(group)
                .channel(EventLoops.serverChannel(true))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ServerConnection connection = new ServerConnection(volumes, maxInFlightPerConnection, registry);
                        ch.pipeline().addLast(new RequestDecoder(connection), connection);
                    }
                });
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly();
            throw new IllegalStateException("cannot listen for replication on " + address + ": " + bound.cause(),
                    bound.cause());
        }
        this.serverChannel = bound.channel();
        LOG.info("replication server listening on {}", serverChannel.localAddress());
    }

    /** The address listened on, with the port actually bound. */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public int port() {
        return address().getPort();
    }

    /**
     * Stops accepting, closes every connection, waits (up to {@value #CLOSE_WAIT_MILLIS} ms) for the
     * operations already in the stores to complete, then stops the event loops. Idempotent.
     */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        connections.forEach(ServerConnection::close);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        while (!connections.isEmpty() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        if (!connections.isEmpty()) {
            LOG.warn("replication server closing with operations still in the stores of {} connections",
                    connections.size());
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
