package io.basalt.initiator;

import io.basalt.netty.EventLoops;
import io.basalt.nvme.discovery.Discovery;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The NVMe/TCP host: event loops (epoll, NIO where epoll is missing) shared by the controllers it
 * connects, plus one control thread for reconnections. I/O queue {@code i} of every controller
 * runs on event loop {@code i % eventLoops}; the admin queue on loop 0.
 *
 * <pre>{@code
 * try (NvmeTcpInitiator host = new NvmeTcpInitiator(InitiatorConfig.builder().ioQueues(2).build());
 *      NvmeController c = host.connect(new InetSocketAddress("10.0.0.1", 4420), "nqn...:vol")) {
 *     NamespaceInfo ns = c.identifyNamespace(1);
 *     c.ioQueue(0).readAsync(ns, 0, 8, buffer).join();
 * }
 * }</pre>
 */
public final class NvmeTcpInitiator implements AutoCloseable {
    private final InitiatorConfig config;
    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop[] loops;
    private final Class<? extends Channel> channelClass;
    private final ExecutorService control;
    private final Set<NvmeController> controllers = ConcurrentHashMap.newKeySet();

    public NvmeTcpInitiator(InitiatorConfig config) {
        this.config = Objects.requireNonNull(config);
        IoHandlerFactory factory = EventLoops.ioHandlerFactory(config.nativeTransport(), config.busyPoll());
        this.channelClass = EventLoops.socketChannel(config.nativeTransport());
        this.group = new MultiThreadIoEventLoopGroup(config.eventLoopThreads(),
                new DefaultThreadFactory("basalt-initiator", true), factory);
        List<EventLoop> list = new ArrayList<>();
        for (EventExecutor e : group) {
            list.add((EventLoop) e);
        }
        this.loops = list.toArray(new EventLoop[0]);
        this.control = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "basalt-initiator-control");
            t.setDaemon(true);
            return t;
        });
    }

    public InitiatorConfig config() {
        return config;
    }

    /** Whether connections use the native epoll transport. */
    public boolean nativeTransport() {
        return channelClass == EpollSocketChannel.class;
    }

    /** Connects to an NVM subsystem with the admin queue and the configured I/O queues. */
    public NvmeController connect(InetSocketAddress target, String subsystemNqn) {
        return connect(target, subsystemNqn, config);
    }

    /** As {@link #connect(InetSocketAddress, String)} with other settings (digests, queues...). */
    public NvmeController connect(InetSocketAddress target, String subsystemNqn, InitiatorConfig settings) {
        NvmeController c = new NvmeController(this, target, subsystemNqn, settings, false);
        controllers.add(c);
        try {
            c.start();
        } catch (RuntimeException e) {
            controllers.remove(c);
            throw e;
        }
        return c;
    }

    /** Connects to the discovery controller at {@code target}, reads its log page and disconnects. */
    public DiscoveryLog discover(InetSocketAddress target) {
        InitiatorConfig settings = config.toBuilder().ioQueues(0).keepAliveMillis(0)
                .controllerLossTimeoutMillis(0).build();
        NvmeController c = new NvmeController(this, target, Discovery.NQN, settings, true);
        controllers.add(c);
        try {
            c.start();
            return c.discoveryLog();
        } finally {
            c.close();
        }
    }

    EventLoop eventLoop(int index) {
        return loops[index % loops.length];
    }

    Class<? extends Channel> channelClass() {
        return channelClass;
    }

    ExecutorService control() {
        return control;
    }

    void forget(NvmeController c) {
        controllers.remove(c);
    }

    /** Closes every controller and stops the event loops. */
    @Override
    public void close() {
        for (NvmeController c : List.copyOf(controllers)) {
            c.close();
        }
        control.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
