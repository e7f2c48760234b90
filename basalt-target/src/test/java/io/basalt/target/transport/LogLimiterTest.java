package io.basalt.target.transport;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LogLimiterTest {
    private static final long WINDOW = TimeUnit.SECONDS.toNanos(60);

    private long now = 1_000_000_000L;
    private final List<String> summaries = new ArrayList<>();

    private LogLimiter limiter(int perKey, int perWindow, int maxKeys) {
        return new LogLimiter(perKey, perWindow, maxKeys, WINDOW, () -> now, (address, reason, count, seconds) ->
                summaries.add((address == null ? "other" : address.getHostAddress()) + " " + reason + " " + count
                        + " in " + seconds + " s"));
    }

    private static InetSocketAddress from(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    private static int admitted(LogLimiter l, InetSocketAddress remote, String reason, int times) {
        int n = 0;
        for (int i = 0; i < times; i++) {
            n += l.admit(remote, reason) ? 1 : 0;
        }
        return n;
    }

    @Test
    void shouldLogTheFirstLinesOfAKeyThenCountAndSummariseTheRestWhenTheWindowEnds() {
        LogLimiter l = limiter(3, 100, 16);

        assertThat(admitted(l, from("10.0.0.1", 1), "bad", 1000)).isEqualTo(3);
        l.sweep();
        assertThat(summaries).as("window not over yet").isEmpty();

        now += WINDOW;
        l.sweep();

        assertThat(summaries).containsExactly("10.0.0.1 bad 997 in 60 s");
        assertThat(l.trackedKeys()).isZero();
        assertThat(admitted(l, from("10.0.0.1", 1), "bad", 5)).as("a new window").isEqualTo(3);
    }

    @Test
    void shouldKeyByAddressAndReasonButNotByPort() {
        LogLimiter l = limiter(2, 100, 16);

        int ports = 0;
        for (int port = 1; port <= 50; port++) {
            ports += admitted(l, from("10.0.0.1", port), "bad", 1);
        }

        assertThat(ports).as("50 source ports of one address").isEqualTo(2);
        assertThat(admitted(l, from("10.0.0.1", 1), "other reason", 5)).isEqualTo(2);
        assertThat(admitted(l, from("10.0.0.2", 1), "bad", 5)).isEqualTo(2);
    }

    @Test
    void shouldSummariseOnTheNextLineAfterTheWindowWithoutASweep() {
        LogLimiter l = limiter(1, 100, 16);
        admitted(l, from("10.0.0.1", 1), "bad", 4);

        now += WINDOW + 1;

        assertThat(l.admit(from("10.0.0.1", 1), "bad")).isTrue();
        assertThat(summaries).containsExactly("10.0.0.1 bad 3 in 60 s");
    }

    @Test
    void shouldBoundMemoryAndLinesWhateverTheNumberOfAddresses() throws Exception {
        LogLimiter l = limiter(2, 10, 8);

        int logged = 0;
        for (int i = 0; i < 10_000; i++) {
            InetAddress ip = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
            logged += admitted(l, new InetSocketAddress(ip, 1), "bad", 1);
        }

        assertThat(l.trackedKeys()).as("8 addresses, then one key for all others").isLessThanOrEqualTo(9);
        assertThat(logged).as("lines per window for all keys together").isEqualTo(10);
        l.flush();
        assertThat(summaries).containsExactly("other bad 9990 in 1 s");
        assertThat(l.trackedKeys()).isZero();
    }

    @Test
    void shouldReportEverythingHeldBackWhenFlushed() {
        LogLimiter l = limiter(1, 100, 16);
        admitted(l, from("10.0.0.1", 1), "bad", 3);
        admitted(l, from("10.0.0.2", 1), "bad", 1);
        now += TimeUnit.SECONDS.toNanos(5);

        l.flush();

        assertThat(summaries).as("only keys that held something back").containsExactly("10.0.0.1 bad 2 in 5 s");
    }
}
