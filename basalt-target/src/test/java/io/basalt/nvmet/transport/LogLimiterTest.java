package io.basalt.nvmet.transport;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LogLimiterTest {
    private static final long WINDOW = TimeUnit.SECONDS.toNanos(60);

    private long now = 1_000_000_000L;
    private final List<String> summaries = Collections.synchronizedList(new ArrayList<>());

    private LogLimiter limiter(int perReason, int perSource, int perWindow, int summaryLines, int maxSources) {
        return new LogLimiter(new LogLimiter.Limits(perReason, perSource, perWindow, summaryLines, maxSources, WINDOW),
                () -> now, summaries::add);
    }

    private static InetSocketAddress from(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    private static InetSocketAddress from(int i) throws Exception {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8),
                (byte) i}), 1);
    }

    private static int admitted(LogLimiter l, InetSocketAddress remote, String reason, int times) {
        int n = 0;
        for (int i = 0; i < times; i++) {
            n += l.admit(remote, reason) ? 1 : 0;
        }
        return n;
    }

    @Test
    void shouldLogTheFirstLinesOfAReasonThenCountAndSummariseTheRestWhenTheWindowEnds() {
        LogLimiter l = limiter(3, 10, 100, 10, 16);

        assertThat(admitted(l, from("10.0.0.1", 1), "bad", 1000)).isEqualTo(3);
        assertThat(admitted(l, from("10.0.0.1", 1), "worse", 2)).isEqualTo(2);
        l.sweep();
        assertThat(summaries).as("window not over yet").isEmpty();

        now += WINDOW;
        l.sweep();

        assertThat(summaries).containsExactly("suppressed 997 log lines from 10.0.0.1 in the last 60 s (997 bad)");
        assertThat(l.trackedSources()).isZero();
        assertThat(admitted(l, from("10.0.0.1", 1), "bad", 5)).as("a new window").isEqualTo(3);
    }

    @Test
    void shouldKeyByAddressAndReasonButNotByPort() {
        LogLimiter l = limiter(2, 10, 100, 10, 16);

        int ports = 0;
        for (int port = 1; port <= 50; port++) {
            ports += admitted(l, from("10.0.0.1", port), "bad", 1);
        }

        assertThat(ports).as("50 source ports of one address").isEqualTo(2);
        assertThat(admitted(l, from("10.0.0.1", 1), "other reason", 5)).isEqualTo(2);
        assertThat(admitted(l, from("10.0.0.2", 1), "bad", 5)).isEqualTo(2);
    }

    @Test
    void shouldKeyAnIpv6HostByItsSlash64() {
        LogLimiter l = limiter(2, 10, 100, 10, 16);

        int logged = admitted(l, from("2001:db8:0:1::1", 1), "bad", 3)
                + admitted(l, from("2001:db8:0:1:ffff:1:2:3", 1), "bad", 3);
        l.flush();

        assertThat(logged).as("two addresses of one /64").isEqualTo(2);
        assertThat(l.admit(from("2001:db8:0:2::1", 1), "bad")).as("another /64").isTrue();
        assertThat(summaries).containsExactly(
                "suppressed 4 log lines from 2001:db8:0:1::/64 in the last 1 s (4 bad)");
    }

    @Test
    void shouldCapOneSourceAcrossAllItsReasons() {
        LogLimiter l = limiter(5, 10, 100, 10, 16);

        int logged = 0;
        for (int r = 0; r < 14; r++) {
            logged += admitted(l, from("10.0.0.66", 1), "reason " + r, 100);
        }

        assertThat(logged).isEqualTo(10);
    }

    @Test
    void shouldNotLetOneHostStarveAnotherOfTheWindowsLines() {
        LogLimiter l = limiter(5, 10, 50, 10, 1024);
        for (int r = 0; r < 14; r++) {
            admitted(l, from("10.0.0.66", 1), "reason " + r, 100);
        }

        assertThat(admitted(l, from("10.0.0.7", 1), "keep-alive timeout", 1)).isEqualTo(1);
    }

    @Test
    void shouldSummariseOnTheNextLineAfterTheWindowWithoutASweep() {
        LogLimiter l = limiter(1, 10, 100, 10, 16);
        admitted(l, from("10.0.0.1", 1), "bad", 4);

        now += WINDOW + 1;

        assertThat(l.admit(from("10.0.0.1", 1), "bad")).isTrue();
        assertThat(summaries).containsExactly("suppressed 3 log lines from 10.0.0.1 in the last 60 s (3 bad)");
    }

    @Test
    void shouldBoundMemoryAndLinesWhateverTheNumberOfAddresses() throws Exception {
        LogLimiter l = limiter(2, 10, 10, 10, 8);

        int logged = 0;
        for (int i = 0; i < 10_000; i++) {
            logged += admitted(l, from(i), "bad", 1);
        }

        assertThat(l.trackedSources()).as("8 addresses, the others share one entry").isEqualTo(8);
        assertThat(logged).as("lines per window for all sources together").isEqualTo(10);
        l.flush();
        assertThat(summaries).containsExactly("suppressed 9990 log lines from other addresses in the last 1 s "
                + "(9990 bad)");
        assertThat(l.trackedSources()).isZero();
    }

    @Test
    void shouldHoldTheSourceBoundWhenHostsRaceToBeTracked() throws Exception {
        int threads = 4;
        LogLimiter l = limiter(2, 10, 10, 10, 64);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * 5000;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = first; i < first + 5000; i++) {
                        l.admit(from(i), "bad");
                        assertThat(l.trackedSources()).isLessThanOrEqualTo(64);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(l.trackedSources()).isEqualTo(64);
    }

    @Test
    void shouldBoundEveryLineOfAWindowIncludingSummariesWhateverTheAddressesAndReasons() throws Exception {
        LogLimiter l = limiter(5, 10, 50, 10, 1024);
        int logged = 0;
        for (int i = 0; i < 2000; i++) {
            for (int r = 0; r < 3; r++) {
                logged += admitted(l, from(i), "reason " + r, 2);
            }
        }
        now += WINDOW;
        l.sweep();

        assertThat(logged).isEqualTo(50);
        assertThat(summaries).as("10 summaries, then one line for the rest").hasSize(11);
        assertThat(summaries.getLast()).isEqualTo("suppressed " + (2000 * 3 * 2 - 50 - sumOfFirstTen())
                + " more log lines from 1007 addresses (over 10 summaries a window)");
        // The next window: the same flood, and lines, summaries included, are bounded again.
        summaries.clear();
        logged = 0;
        for (int i = 0; i < 2000; i++) {
            logged += admitted(l, from(i), "reason 0", 1);
        }
        now += WINDOW;
        l.sweep();
        assertThat(logged + summaries.size()).isLessThanOrEqualTo(50 + 11);
    }

    private long sumOfFirstTen() {
        long sum = 0;
        for (String s : summaries.subList(0, 10)) {
            sum += Long.parseLong(s.split(" ")[1]);
        }
        return sum;
    }

    @Test
    void shouldReportEverythingHeldBackWhenFlushed() {
        LogLimiter l = limiter(1, 10, 100, 10, 16);
        admitted(l, from("10.0.0.1", 1), "bad", 3);
        admitted(l, from("10.0.0.2", 1), "bad", 1);
        now += TimeUnit.SECONDS.toNanos(5);

        l.flush();

        assertThat(summaries).as("only sources that held something back")
                .containsExactly("suppressed 2 log lines from 10.0.0.1 in the last 5 s (2 bad)");
    }
}
