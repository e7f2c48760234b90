package io.basalt.nvmet.transport;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Rate-limits the log lines remote hosts can cause, so that a hostile host cannot fill the brick's
 * disk through its log, nor use up the lines other hosts need. Lines are counted per source — the
 * remote IP, not the port, as a host has all the ports it wants; an IPv6 host by its /64, as it
 * has all the addresses of its /64 — and reason. In one window a source may log
 * {@link Limits#perReason} lines for each reason and {@link Limits#perSource} in all, and every
 * source together {@link Limits#perWindow}.
 *
 * <p>What is held back is counted and reported in one summary line per source when its window is
 * over ({@link #sweep}, which the target runs periodically). Summaries are bounded too: at most
 * {@link Limits#summaries} a window; the rest are added up into one line per sweep ("suppressed K
 * more log lines from M addresses"). So a window logs at most {@code perWindow + summaries} lines
 * plus one per sweep, however many addresses a host has.
 *
 * <p>Memory is bounded: at most {@link Limits#maxSources} sources are tracked (a slot is reserved
 * before a source is added, so concurrent hosts cannot overshoot it); beyond that, new sources
 * share one "other addresses" entry. Used on error and connection paths only, never per I/O: a
 * concurrent map and short locks.
 */
public final class LogLimiter {

    /**
     * @param perReason  lines a source may log for one reason in a window
     * @param perSource  lines a source may log for all its reasons in a window
     * @param perWindow  lines all sources together may log in a window
     * @param summaries  per-source summary lines in a window; the rest are added up in one line
     * @param maxSources sources tracked at once
     */
    public record Limits(int perReason, int perSource, int perWindow, int summaries, int maxSources,
                         long windowNanos) {
        public static final int PER_REASON_DEFAULT = 5;
        public static final int PER_SOURCE_DEFAULT = 10;
        public static final int PER_WINDOW_DEFAULT = 50;
        public static final int SUMMARIES_DEFAULT = 10;
        public static final int MAX_SOURCES_DEFAULT = 1024;
        public static final long WINDOW_NANOS_DEFAULT = TimeUnit.SECONDS.toNanos(60);

        public Limits {
            if (perReason < 1 || perSource < 1 || perWindow < 1 || summaries < 0 || maxSources < 1
                    || windowNanos <= 0) {
                throw new IllegalArgumentException("limits and window must be positive");
            }
        }

        public static Limits defaults() {
            return new Limits(PER_REASON_DEFAULT, PER_SOURCE_DEFAULT, PER_WINDOW_DEFAULT, SUMMARIES_DEFAULT,
                    MAX_SOURCES_DEFAULT, WINDOW_NANOS_DEFAULT);
        }
    }

    static final String OTHER_SOURCES = "other addresses";
    private static final String UNKNOWN_SOURCE = "unknown address";

    /** What one reason of one source logged and held back in the current window. */
    private static final class Count {
        int logged;
        long suppressed;
    }

    /** One source's current window; guarded by its own monitor. */
    private static final class Window {
        long startNanos;
        int logged;
        final Map<String, Count> reasons = new LinkedHashMap<>();
        boolean retired;

        Window(long startNanos) {
            this.startNanos = startNanos;
        }

        void restart(long now) {
            startNanos = now;
            logged = 0;
            reasons.clear();
        }
    }

    /** A count of tokens that refills every window. */
    private static final class Budget {
        private final int limit;
        private final long windowNanos;
        private long startNanos;
        private int taken;

        Budget(int limit, long windowNanos, long now) {
            this.limit = limit;
            this.windowNanos = windowNanos;
            this.startNanos = now;
        }

        synchronized boolean take(long now) {
            if (now - startNanos >= windowNanos) {
                startNanos = now;
                taken = 0;
            }
            if (taken >= limit) {
                return false;
            }
            taken++;
            return true;
        }
    }

    private final Limits limits;
    private final LongSupplier clock;
    private final Consumer<String> sink;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    /** Slots taken in {@link #windows}: reserved before an insert, so the bound holds under races. */
    private final AtomicInteger sources = new AtomicInteger();
    /** The window every source beyond the bound shares; never removed. */
    private final Window others;
    private final Budget lines;
    private final Budget summaryLines;
    /** Suppressed lines whose summaries were over the budget; guarded by itself. */
    private final long[] unsummarised = new long[2]; // [lines, sources]

    /**
     * @param sink receives each summary line, already worded
     */
    public LogLimiter(Limits limits, LongSupplier clock, Consumer<String> sink) {
        this.limits = limits;
        this.clock = clock;
        this.sink = sink;
        long now = clock.getAsLong();
        this.others = new Window(now);
        this.lines = new Budget(limits.perWindow(), limits.windowNanos(), now);
        this.summaryLines = new Budget(limits.summaries(), limits.windowNanos(), now);
    }

    /** Whether a line for this remote address and reason may be logged now; if not, it is counted. */
    public boolean admit(SocketAddress remote, String reason) {
        long now = clock.getAsLong();
        String source = source(remote);
        while (true) {
            Window w = window(source, now);
            synchronized (w) {
                if (w.retired) {
                    continue; // swept away meanwhile: take a fresh one
                }
                if (now - w.startNanos >= limits.windowNanos()) {
                    report(w == others ? OTHER_SOURCES : source, w, now);
                    w.restart(now);
                }
                Count c = w.reasons.computeIfAbsent(reason, r -> new Count());
                if (c.logged < limits.perReason() && w.logged < limits.perSource() && lines.take(now)) {
                    c.logged++;
                    w.logged++;
                    return true;
                }
                c.suppressed++;
                return false;
            }
        }
    }

    /** The source's window, or the shared one when the bound is reached. */
    private Window window(String source, long now) {
        Window w = windows.get(source);
        if (w != null) {
            return w;
        }
        if (sources.incrementAndGet() > limits.maxSources()) {
            sources.decrementAndGet();
            return others;
        }
        Window fresh = new Window(now);
        Window raced = windows.putIfAbsent(source, fresh);
        if (raced != null) {
            sources.decrementAndGet();
            return raced;
        }
        return fresh;
    }

    /** "10.0.0.1", or for IPv6 the /64 a host owns: "2001:db8:0:1::/64". */
    static String source(SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress a) || a.getAddress() == null) {
            return UNKNOWN_SOURCE;
        }
        if (a.getAddress() instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                s.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
            }
            return s.append(":/64").toString();
        }
        return a.getAddress().getHostAddress();
    }

    /** Reports the windows that are over, and what did not fit the summary budget. */
    public void sweep() {
        retire(false);
    }

    /** Reports every window now (the target is stopping). */
    public void flush() {
        retire(true);
    }

    private void retire(boolean all) {
        long now = clock.getAsLong();
        for (Map.Entry<String, Window> e : windows.entrySet()) {
            Window w = e.getValue();
            synchronized (w) {
                if (!w.retired && (all || now - w.startNanos >= limits.windowNanos())) {
                    report(e.getKey(), w, now);
                    w.retired = true;
                    if (windows.remove(e.getKey(), w)) {
                        sources.decrementAndGet();
                    }
                }
            }
        }
        synchronized (others) {
            if (all || now - others.startNanos >= limits.windowNanos()) {
                report(OTHER_SOURCES, others, now);
                others.restart(now);
            }
        }
        reportUnsummarised();
    }

    /** Reports what the window held back, over the time it covered (less than a window when flushed). */
    private void report(String source, Window w, long now) {
        long total = 0;
        StringBuilder byReason = new StringBuilder();
        for (Map.Entry<String, Count> e : w.reasons.entrySet()) {
            long n = e.getValue().suppressed;
            if (n > 0) {
                total += n;
                byReason.append(byReason.isEmpty() ? "" : ", ").append(n).append(' ').append(e.getKey());
            }
        }
        if (total == 0) {
            return;
        }
        if (!summaryLines.take(now)) {
            synchronized (unsummarised) {
                unsummarised[0] += total;
                unsummarised[1]++;
            }
            return;
        }
        long covered = Math.min(now - w.startNanos, limits.windowNanos());
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(covered + 999_999_999L));
        sink.accept("suppressed " + total + " log lines from " + source + " in the last " + seconds + " s ("
                + byReason + ")");
    }

    private void reportUnsummarised() {
        long count;
        long from;
        synchronized (unsummarised) {
            count = unsummarised[0];
            from = unsummarised[1];
            unsummarised[0] = 0;
            unsummarised[1] = 0;
        }
        if (count > 0) {
            sink.accept("suppressed " + count + " more log lines from " + from + " addresses (over "
                    + limits.summaries() + " summaries a window)");
        }
    }

    /** Sources tracked now, for tests of the memory bound. */
    int trackedSources() {
        return windows.size();
    }
}
