package io.basalt.netty;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The Netty transport choices shared by target and initiator: native epoll where the platform has
 * it (NIO otherwise), and optionally busy polling.
 *
 * <p>Busy polling trades a core for latency: the event loop never sleeps in {@code epoll_wait}, so
 * a command is picked up without the wake-up that dominates queue-depth-1 latency (on a VM a
 * cross-core wake-up costs tens of microseconds). It still runs tasks and timers on every turn,
 * unlike Netty's native busy-wait, which would starve keep-alive timers on an idle loop. Use it
 * only with as many event loops as dedicated cores.
 */
public final class EventLoops {
    /** Polls without blocking: the selector is asked for ready events, never told to wait. */
    private static final SelectStrategy BUSY_POLL = (selectNow, hasTasks) -> selectNow.get();

    private EventLoops() {
    }

    /** Whether the native epoll transport will be used when asked for. */
    public static boolean epoll(boolean nativeTransport) {
        return nativeTransport && Epoll.isAvailable();
    }

    public static IoHandlerFactory ioHandlerFactory(boolean nativeTransport, boolean busyPoll) {
        if (epoll(nativeTransport)) {
            return busyPoll ? EpollIoHandler.newFactory(0, () -> BUSY_POLL) : EpollIoHandler.newFactory();
        }
        return busyPoll ? NioIoHandler.newFactory(java.nio.channels.spi.SelectorProvider.provider(), () -> BUSY_POLL)
                : NioIoHandler.newFactory();
    }

    /**
     * Event loops that poll instead of sleeping in {@code epoll_wait} while a wake-up is near (see
     * {@link SpinThenSleep}): for {@code spinNanos} after their last work, and for up to {@code
     * awaitNanos} while they wait for the completions of at most {@code maxAwaited} commands handed
     * to another thread ({@link Handoffs}). Both 0: the plain sleeping loop. Epoll only: NIO loops
     * ignore it.
     */
    public static IoHandlerFactory ioHandlerFactory(boolean nativeTransport, boolean busyPoll, long spinNanos,
                                                    long awaitNanos, int maxAwaited) {
        if (busyPoll || (spinNanos <= 0 && (awaitNanos <= 0 || maxAwaited <= 0)) || !epoll(nativeTransport)) {
            return ioHandlerFactory(nativeTransport, busyPoll);
        }
        return EpollIoHandler.newFactory(0, () -> new SpinThenSleep(spinNanos, awaitNanos, maxAwaited,
                System::nanoTime, Handoffs::ofThisThread));
    }

    public static Class<? extends SocketChannel> socketChannel(boolean nativeTransport) {
        return epoll(nativeTransport) ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public static Class<? extends ServerChannel> serverChannel(boolean nativeTransport) {
        return epoll(nativeTransport) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
