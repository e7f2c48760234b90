package io.basalt.target.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Rate-limits the log lines remote hosts can cause, so that a hostile host cannot fill the brick's
 * disk through its log. Lines are keyed by (remote IP, reason): the IP and not the port, as a host
 * has all the ports it wants. Each key may log {@code perKey} lines per window and all keys
 * together {@code perWindow}; the lines held back are counted and reported in one summary line per
 * key once its window is over ({@link #sweep}, which the target runs periodically).
 *
 * <p>Memory is bounded: at most {@code maxKeys} keys are tracked; when the map is full, new
 * addresses share one "other addresses" key per reason. Used on error and connection paths only,
 * never per I/O: a concurrent map and a short lock on one key's window.
 */
public final class LogLimiter {
    public static final int PER_KEY_DEFAULT = 5;
    public static final int PER_WINDOW_DEFAULT = 50;
    public static final int MAX_KEYS_DEFAULT = 1024;
    public static final long WINDOW_NANOS_DEFAULT = TimeUnit.SECONDS.toNanos(60);

    /** Receives the summary of what a key held back in one window. */
    public interface Summary {
        /**
         * @param address the remote IP, or null for addresses beyond the key limit
         * @param seconds the time the count covers: the window, or less when flushed early
         */
        void suppressed(InetAddress address, String reason, long count, long seconds);
    }

    private record Key(InetAddress address, String reason) {
    }

    /** One key's current window; guarded by its own monitor. */
    private static final class Window {
        long startNanos;
        int logged;
        long suppressed;
        boolean retired;

        Window(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    private final int perKey;
    private final int perWindow;
    private final int maxKeys;
    private final long windowNanos;
    private final LongSupplier clock;
    private final Summary summary;
    private final Map<Key, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong globalStartNanos;
    private final AtomicInteger globalLogged = new AtomicInteger();

    public LogLimiter(int perKey, int perWindow, int maxKeys, long windowNanos, LongSupplier clock, Summary summary) {
        if (perKey < 1 || perWindow < 1 || maxKeys < 1 || windowNanos <= 0) {
            throw new IllegalArgumentException("limits and window must be positive");
        }
        this.perKey = perKey;
        this.perWindow = perWindow;
        this.maxKeys = maxKeys;
        this.windowNanos = windowNanos;
        this.clock = clock;
        this.summary = summary;
        this.globalStartNanos = new AtomicLong(clock.getAsLong());
    }

    /** Whether a line for this remote address and reason may be logged now; if not, it is counted. */
    public boolean admit(SocketAddress remote, String reason) {
        long now = clock.getAsLong();
        Key key = key(remote, reason);
        while (true) {
            Window w = windows.computeIfAbsent(key, k -> new Window(now));
            synchronized (w) {
                if (w.retired) {
                    continue; // swept away meanwhile: take the fresh one
                }
                if (now - w.startNanos >= windowNanos) {
                    report(key, w, now);
                    w.startNanos = now;
                    w.logged = 0;
                    w.suppressed = 0;
                }
                if (w.logged < perKey && takeGlobal(now)) {
                    w.logged++;
                    return true;
                }
                w.suppressed++;
                return false;
            }
        }
    }

    private Key key(SocketAddress remote, String reason) {
        InetAddress address = remote instanceof InetSocketAddress a ? a.getAddress() : null;
        Key key = new Key(address, reason);
        if (address != null && windows.size() >= maxKeys && !windows.containsKey(key)) {
            return new Key(null, reason);
        }
        return key;
    }

    private boolean takeGlobal(long now) {
        long start = globalStartNanos.get();
        if (now - start >= windowNanos && globalStartNanos.compareAndSet(start, now)) {
            globalLogged.set(0);
        }
        return globalLogged.incrementAndGet() <= perWindow;
    }

    /** Reports and forgets the windows that are over. */
    public void sweep() {
        retire(false);
    }

    /** Reports and forgets every window now (the target is stopping). */
    public void flush() {
        retire(true);
    }

    private void retire(boolean all) {
        long now = clock.getAsLong();
        for (Map.Entry<Key, Window> e : windows.entrySet()) {
            Window w = e.getValue();
            synchronized (w) {
                if (!w.retired && (all || now - w.startNanos >= windowNanos)) {
                    report(e.getKey(), w, now);
                    w.retired = true;
                    windows.remove(e.getKey(), w);
                }
            }
        }
    }

    /** Reports what the window held back, over the time it covered (less than a window when flushed). */
    private void report(Key key, Window w, long now) {
        if (w.suppressed > 0) {
            long covered = Math.min(now - w.startNanos, windowNanos);
            summary.suppressed(key.address(), key.reason(), w.suppressed,
                    Math.max(1, TimeUnit.NANOSECONDS.toSeconds(covered + 999_999_999L)));
        }
    }

    /** Keys tracked now, for tests of the memory bound. */
    int trackedKeys() {
        return windows.size();
    }
}
