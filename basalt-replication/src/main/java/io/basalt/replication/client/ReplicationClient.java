package io.basalt.replication.client;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.netty.EventLoops;
import io.basalt.replication.ReplicaLink;
import io.basalt.replication.wire.RequestHeader;
import io.basalt.replication.wire.ResponseDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The replica protocol's client for one remote brick, shared by every volume replicated to it:
 * one connection, kept up in the background (a new attempt every
 * {@link ClientSettings#reconnectMillis()} while the brick is away, logged once per outage), and a
 * {@link ReplicaLink} per volume from {@link #link}.
 *
 * <p>Submitting runs on the caller's thread: a request id and slot are claimed in the lock-free
 * {@link PendingTable}, the frame is encoded into a pooled buffer (a write's data is copied in, so
 * the caller may reuse its buffer as soon as the operation completes, even if that is before the
 * frame leaves), and handed to Netty, which queues it to the connection's event loop; flushes are
 * consolidated there. Answers, the timeout scan and the loss of the connection complete operations
 * on the event loop; whichever takes an operation from the table completes it, so each completes
 * exactly once.
 */
public final class ReplicationClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationClient.class);

    private final InetSocketAddress address;
    private final ClientSettings settings;
    private final EventLoopGroup ownGroup;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final PendingTable pending;
    private final long timeoutNanos;
    private final ScheduledFuture<?> timeoutScan;
    /** The connection once the brick's hello checked out; null while there is none. */
    private volatile Channel channel;
    private volatile boolean closed;
    // Event loop only:
    private Channel current;
    private int failedAttempts;
    private boolean outageLogged;
    private long answersAtLastScan;

    /** A client with default settings and an event loop of its own. */
    public ReplicationClient(InetSocketAddress address) {
        this(address, ClientSettings.defaults());
    }

    /** A client with an event loop of its own (epoll where available), stopped by {@link #close}. */
    public ReplicationClient(InetSocketAddress address, ClientSettings settings) {
        this(address, settings, new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("basalt-replica-client"),
                EventLoops.ioHandlerFactory(true, false)), EventLoops.socketChannel(true), true);
    }

    /**
     * A client on a shared event loop group (one of its loops is used), which {@link #close} leaves
     * running. {@code channelClass} must suit the group's transport (see {@link EventLoops}).
     */
    public ReplicationClient(InetSocketAddress address, ClientSettings settings, EventLoopGroup group,
                             Class<? extends SocketChannel> channelClass) {
        this(address, settings, group, channelClass, false);
    }

    private ReplicationClient(InetSocketAddress address, ClientSettings settings, EventLoopGroup group,
                              Class<? extends SocketChannel> channelClass, boolean ownsGroup) {
        this.address = address;
        this.settings = settings;
        this.ownGroup = ownsGroup ? group : null;
        this.loop = group.next();
        this.pending = new PendingTable(settings.maxInFlight());
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(settings.timeoutMillis());
        this.bootstrap = new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(settings.timeoutMillis(), Integer.MAX_VALUE))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ClientConnection connection = new ClientConnection(ReplicationClient.this, pending);
                        ch.pipeline().addLast(new FlushBatcher(),
                                new ResponseDecoder(connection), connection);
                    }
                });
        long scanMillis = Math.clamp(settings.timeoutMillis() / 4, 5, 500);
        this.timeoutScan = loop.scheduleAtFixedRate(this::expire, scanMillis, scanMillis, TimeUnit.MILLISECONDS);
        loop.execute(this::connect);
    }

    /** The link to one volume's replica on this brick; {@code brick} names the brick in messages and {@link ReplicaLink#brick}. */
    public ReplicaLink link(String brick, UUID volume) {
        return new RemoteReplicaLink(this, brick, volume);
    }

    /** Whether the brick is connected and has greeted us. */
    public boolean connected() {
        return channel != null;
    }

    public InetSocketAddress address() {
        return address;
    }

    public ClientSettings settings() {
        return settings;
    }

    /**
     * Stops reconnecting, closes the connection and fails every operation still waiting for an
     * answer; then stops the client's own event loop (not a shared one). Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            loop.submit(() -> {
                timeoutScan.cancel(false);
                if (current != null) {
                    current.close();
                }
                failAll();
            }).awaitUninterruptibly();
        } catch (RejectedExecutionException e) {
            LOG.debug("event loop of the client for {} already stopped", address);
        }
        if (ownGroup != null) {
            ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        failAll();
    }

    // ---- submission, from any thread ------------------------------------------------------

    void send(BlockIo io, long epoch, long volumeMsb, long volumeLsb) {
        Channel ch = channel;
        if (ch == null || closed) {
            complete(io, failure(io));
            return;
        }
        int op = io.op();
        long payload = RequestHeader.payloadLength(op, io.length());
        if (payload < 0) {
            LOG.error("cannot replicate op {} of {} bytes to {}: unknown op or more than {} bytes", op, io.length(),
                    address, RequestHeader.MAX_DATA_LENGTH);
            complete(io, IoStatus.INTERNAL_ERROR);
            return;
        }
        long id = pending.claim();
        if (id < 0) {
            LOG.debug("no free request slot for {}: {} operations wait for answers", address, pending.capacity());
            complete(io, failure(io));
            return;
        }
        ByteBuf frame = ch.alloc().directBuffer(RequestHeader.LENGTH + (int) payload);
        RequestHeader.write(frame, op, io.fua() ? RequestHeader.FLAG_FUA : 0, id, volumeMsb, volumeLsb, epoch,
                io.offset(), io.length());
        if (payload > 0) {
            ByteBuf data = io.buffer();
            frame.writeBytes(data, data.readerIndex(), (int) payload);
        }
        pending.publish(id, io, System.nanoTime() + timeoutNanos);
        if (closed || channel != ch) {
            // The connection went (or the client closed) while we encoded: its sweep may have missed us.
            frame.release();
            BlockIo mine = pending.take(id);
            if (mine != null) {
                complete(mine, failure(mine));
            }
            return;
        }
        ch.writeAndFlush(frame, ch.voidPromise());
    }

    static int failure(BlockIo io) {
        return io.op() == BlockIo.OP_READ ? IoStatus.READ_ERROR : IoStatus.WRITE_ERROR;
    }

    static void complete(BlockIo io, int status) {
        try {
            io.complete(status);
        } catch (RuntimeException e) {
            LOG.error("completing a replicated operation threw", e);
        }
    }

    // ---- connection life, event loop only --------------------------------------------------

    private void connect() {
        if (closed) {
            return;
        }
        ChannelFuture f = bootstrap.connect(address);
        current = f.channel();
        f.addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                attemptFailed(done.cause().toString());
                loop.schedule(this::connect, settings.reconnectMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            Channel ch = done.channel();
            loop.schedule(() -> {
                if (channel != ch && ch.isActive()) {
                    attemptFailed("no hello within " + settings.timeoutMillis() + " ms");
                    ch.close();
                }
            }, settings.timeoutMillis(), TimeUnit.MILLISECONDS);
        });
    }

    /** Logs the first failed attempt of an outage as a warning, later ones at debug. */
    void attemptFailed(String why) {
        failedAttempts++;
        if (!outageLogged) {
            outageLogged = true;
            LOG.warn("cannot reach replica brick at {}: {}; retrying every {} ms", address, why,
                    settings.reconnectMillis());
        } else {
            LOG.debug("attempt {} to reach replica brick at {} failed: {}", failedAttempts, address, why);
        }
    }

    /** The brick's hello checked out on {@code ch}. */
    void opened(Channel ch) {
        if (closed) {
            ch.close();
            return;
        }
        channel = ch;
        LOG.info("connected to replica brick at {}{}", address,
                failedAttempts > 0 ? " after " + failedAttempts + " failed attempts" : "");
        failedAttempts = 0;
        outageLogged = false;
    }

    /** {@code ch} is gone: every operation waiting on it fails, and a new connection is tried. */
    void connectionLost(Channel ch) {
        if (channel == ch) {
            channel = null;
            if (!closed) {
                LOG.warn("lost the connection to replica brick at {}", address);
            }
        }
        failAll();
        if (!closed) {
            loop.schedule(this::connect, settings.reconnectMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void failAll() {
        for (int s = 0; s < pending.capacity(); s++) {
            BlockIo io = pending.takeSlot(s);
            if (io != null) {
                complete(io, failure(io));
            }
        }
    }

    private void expire() {
        long now = System.nanoTime();
        int expired = 0;
        for (int s = 0; s < pending.capacity(); s++) {
            BlockIo io = pending.takeIfExpired(s, now);
            if (io != null) {
                expired++;
                complete(io, failure(io));
            }
        }
        ClientConnection connection = current == null ? null : current.pipeline().get(ClientConnection.class);
        long answers = connection == null ? 0 : connection.answers();
        if (expired > 0) {
            LOG.warn("{} operations to replica brick at {} got no answer within {} ms", expired, address,
                    settings.timeoutMillis());
            if (connection != null && answers == answersAtLastScan && channel == current) {
                // Nothing at all came back since the last scan: a brick cut off without a FIN or RST
                // looks connected for as long as TCP keeps trying. Start over, so connected() is
                // true again only once the brick greets us.
                LOG.warn("replica brick at {} answers nothing: closing the connection to reconnect", address);
                current.close();
            }
        }
        answersAtLastScan = answers;
    }
}
