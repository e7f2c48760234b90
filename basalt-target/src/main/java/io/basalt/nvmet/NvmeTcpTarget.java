package io.basalt.nvmet;

import io.basalt.netty.EventLoops;
import io.basalt.netty.IdlePoller;
import io.basalt.netty.ReceiveBuffers;
import io.basalt.netty.TcpCongestion;
import io.basalt.nvme.admin.AnaLogHeader;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.controller.PortInfo;
import io.basalt.nvmet.subsystem.Subsystem;
import io.basalt.nvmet.transport.ConnectionHandler;
import io.basalt.nvmet.transport.TransportErrors;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * An NVMe/TCP target serving one {@link Subsystem}: an I/O port (which also answers discovery) and
 * an optional dedicated discovery port. Each accepted connection is one NVMe queue, owned by one
 * event loop for its whole life.
 */
public final class NvmeTcpTarget implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NvmeTcpTarget.class);

    /** How often the log limiter's finished windows are reported. */
    private static final long LOG_SWEEP_SECONDS = 10;
    /**
     * Event loops poll instead of sleeping for this long after their last work (opt-in: while I/O
     * comes at least this often a loop holds a core, as with busy polling).
     */
    public static final String SPIN_NANOS_PROP_NAME = "basalt.target.spinNanos";
    public static final long SPIN_NANOS_DEFAULT = 0;
    /**
     * How long at most an event loop polls for the completion of a command a store took to another
     * thread (an engine read) instead of sleeping: a completion within it finds the loop awake (no
     * {@code epoll_wait} wake-up; see docs/benchmarks.md); a slower one pays the wake-up. Off (0) by
     * default: with at most 4 awaited it cost engine reads at QD32/QD128 a third of their IOPS on a
     * loaded 2-vCPU machine; with at most 1, one quiet same-run measurement showed QD1 40 µs faster and
     * QD32/QD128 no lower (docs/benchmarks.md) — one run, not yet enough to make it the default.
     */
    public static final String AWAIT_SPIN_NANOS_PROP_NAME = "basalt.target.awaitSpinNanos";
    public static final long AWAIT_SPIN_NANOS_DEFAULT = 0;
    /** With more completions awaited than this the loop sleeps: they come often enough to share wake-ups. */
    static final int MAX_AWAITED = 1;
    /**
     * How long the {@link IdlePoller} keeps polling after the last completion it awaited (0: no
     * poller). It runs at Linux's lowest scheduling policy, so it takes no CPU anyone else wants,
     * but the CPU shows busy while engine I/O is in flight (docs/configuration.md).
     */
    public static final String IDLE_POLL_NANOS_PROP_NAME = "basalt.target.idlePollNanos";
    public static final long IDLE_POLL_NANOS_DEFAULT = 0;

    private final TargetConfig config;
    private final Subsystem subsystem;
    private final ControllerRegistry controllers;
    private final TransportErrors errors;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel ioChannel;
    private Channel discoveryChannel;
    private IdlePoller idlePoller;

    public NvmeTcpTarget(TargetConfig config, Subsystem subsystem) {
        this(config, subsystem, new TransportErrors());
    }

    /** With the given error counts and log limiter: tests pass one with a fake clock. */
    NvmeTcpTarget(TargetConfig config, Subsystem subsystem, TransportErrors errors) {
        this.config = Objects.requireNonNull(config);
        this.subsystem = Objects.requireNonNull(subsystem);
        this.errors = Objects.requireNonNull(errors);
        requireAnaLogFits(config, subsystem);
        this.controllers = new ControllerRegistry(subsystem, config);
    }

    /**
     * A Linux host allocates 16 + NANAGRPID*32 + MNAN*4 bytes for the ANA log and gives up ANA (and
     * with it multipath path selection) when that is more than one transfer (MDTS) can carry.
     */
    private static void requireAnaLogFits(TargetConfig config, Subsystem subsystem) {
        long anaLog = AnaLogHeader.maxLength(subsystem.maxAnaGroups(), subsystem.maxNamespaces());
        if (anaLog > config.maxTransferSize()) {
            throw new IllegalArgumentException("the ANA log page (" + anaLog + " bytes) must fit one transfer ("
                    + config.maxTransferSize() + " bytes): raise mdtsShift");
        }
    }

    /**
     * Binds the ports; throws if one cannot be bound, or if the configured TCP congestion control
     * cannot be applied (it needs the epoll transport and an algorithm the kernel has).
     */
    public synchronized void start() throws InterruptedException {
        boolean epoll = EventLoops.epoll(config.nativeTransport());
        if (config.tcpCongestion() != null) {
            if (!epoll) {
                throw new IllegalStateException("TCP congestion control '" + config.tcpCongestion()
                        + "' needs the epoll transport, which this platform does not offer");
            }
            String why = TcpCongestion.whyNotApplicable(config.tcpCongestion());
            if (why != null) {
                throw new IllegalStateException(why);
            }
        }
        Class<? extends ServerChannel> channelClass = EventLoops.serverChannel(config.nativeTransport());
        // Accepting is rare: that loop always sleeps; only connection loops may busy-poll.
        bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("basalt-accept"),
                EventLoops.ioHandlerFactory(config.nativeTransport(), false));
        workerGroup = new MultiThreadIoEventLoopGroup(config.eventLoopCount(), new DefaultThreadFactory("basalt-io"),
                EventLoops.ioHandlerFactory(config.nativeTransport(), config.busyPoll(),
                        Long.getLong(SPIN_NANOS_PROP_NAME, SPIN_NANOS_DEFAULT),
                        Long.getLong(AWAIT_SPIN_NANOS_PROP_NAME, AWAIT_SPIN_NANOS_DEFAULT), MAX_AWAITED));
        // Summaries of the log lines hosts had held back, once their window is over.
        bossGroup.next().scheduleAtFixedRate(errors::sweep, LOG_SWEEP_SECONDS, LOG_SWEEP_SECONDS,
                TimeUnit.SECONDS);
        try {
            startIdlePoller(Long.getLong(IDLE_POLL_NANOS_PROP_NAME, IDLE_POLL_NANOS_DEFAULT));
            ioChannel = bind(channelClass, config.listen(), false);
            if (config.discoveryListen() != null) {
                discoveryChannel = bind(channelClass, config.discoveryListen(), true);
            }
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("NVMe/TCP target for {} listening on {} (discovery on {}), transport {}, {} event loops{}{}",
                subsystem.nqn(), hostPort(ioAddress()), discoveryAddress() == null ? "none" : hostPort(discoveryAddress()),
                epoll ? "epoll" : "nio", config.eventLoopCount(),
                config.busyPoll() ? " (busy polling)" : "",
                config.tcpCongestion() != null ? ", TCP congestion control " + config.tcpCongestion() : "");
    }

    private void startIdlePoller(long tailNanos) throws InterruptedException {
        if (tailNanos <= 0) {
            return;
        }
        IdlePoller poller = new IdlePoller(tailNanos, "basalt-idle-poll");
        String failure = poller.start();
        if (failure == null) {
            idlePoller = poller;
            LOG.info("Idle poller at SCHED_IDLE: polls while engine I/O is in flight and {} µs after",
                    tailNanos / 1000);
        } else {
            LOG.warn("Idle poller not started ({}): {} is ignored", failure, IDLE_POLL_NANOS_PROP_NAME);
        }
    }

    private Channel bind(Class<? extends ServerChannel> channelClass, InetSocketAddress address,
                         boolean discoveryOnly) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelClass)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, ReceiveBuffers.allocator())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ConnectionHandler(controllers, portInfo(discoveryOnly), errors));
                    }
                });
        String congestion = config.tcpCongestion();
        if (congestion != null) {
            // On the listener, before it listens: every connection it accepts inherits the algorithm.
            b.option(TcpCongestion.OPTION, TcpCongestion.value(congestion));
        }
        Channel channel = b.bind(address).sync().channel();
        // start() tried the algorithm on a socket of its own; should the listener still lack it (a
        // transport only logs an option it could not set), it must not run without it.
        if (congestion != null && !congestion.equals(TcpCongestion.of(channel))) {
            channel.close().sync();
            throw new IllegalStateException(TcpCongestion.whyNot(congestion));
        }
        return channel;
    }

    private PortInfo portInfo(boolean discoveryOnly) {
        return new PortInfo(discoveryOnly, (InetSocketAddress) ioChannel.localAddress(), config.portId());
    }

    /** Where hosts connect for I/O. */
    /** "127.0.0.1:4420" or "[::1]:4420": InetSocketAddress.toString() writes "/127.0.0.1:4420". */
    static String hostPort(InetSocketAddress address) {
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    public InetSocketAddress ioAddress() {
        return ioChannel == null ? null : (InetSocketAddress) ioChannel.localAddress();
    }

    /** The TCP congestion control algorithm of the I/O listener (and so of its connections); for tests. */
    String ioListenerTcpCongestion() {
        return TcpCongestion.of(ioChannel);
    }

    /** The dedicated discovery port, or null. */
    public InetSocketAddress discoveryAddress() {
        return discoveryChannel == null ? null : (InetSocketAddress) discoveryChannel.localAddress();
    }

    public Subsystem subsystem() {
        return subsystem;
    }

    /** The live controllers, for the management plane. */
    public ControllerRegistry controllers() {
        return controllers;
    }

    /** Fatal transport errors by reason, and the limiter of what hosts can make the target log. */
    public TransportErrors transportErrors() {
        return errors;
    }

    /** Number of live controllers (I/O and discovery), for tests and metrics. */
    public int controllerCount() {
        return controllers.size();
    }

    /** Stops listening, closes every connection and waits for the event loops to finish. */
    @Override
    public synchronized void close() {
        if (ioChannel != null) {
            ioChannel.close().syncUninterruptibly();
        }
        if (discoveryChannel != null) {
            discoveryChannel.close().syncUninterruptibly();
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        controllers.closeAll();
        errors.flush();
        if (idlePoller != null) {
            try {
                idlePoller.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            idlePoller = null;
        }
    }
}
