package io.basalt.nvmet.transport;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TransportErrorsTest {
    private long now = 1_000_000_000L;
    private final TransportErrors errors = new TransportErrors(LogLimiter.Limits.defaults(), () -> now);

    @Test
    void shouldKeepLinesForAnotherHostsKeepAliveTimeoutWhenHostsFloodTheLogWithErrors() throws Exception {
        for (int i = 0; i < 200; i++) {
            InetSocketAddress evil = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 6, 6, (byte) i}), 1);
            for (TransportErrors.Reason reason : TransportErrors.Reason.values()) {
                errors.countFatal(reason.fes(), evil);
            }
            errors.mayLogError(evil, "Connect refused: unknown subsystem");
        }
        assertThat(errors.mayLogError(new InetSocketAddress("10.0.0.7", 1), "connection failed"))
                .as("the errors' budget is spent").isFalse();

        assertThat(errors.mayLogLifecycle(new InetSocketAddress("10.0.0.7", 1), "keep-alive timeout")).isTrue();
        assertThat(errors.mayLogLifecycle(new InetSocketAddress("10.0.0.7", 1), "host disconnected")).isTrue();
        assertThat(errors.fatalErrors(TransportErrors.Reason.INVALID_HEADER_FIELD)).isEqualTo(200);
    }

    @Test
    void shouldRefillTheBudgetsWhenTheWindowEnds() {
        InetSocketAddress host = new InetSocketAddress("10.0.0.7", 1);
        int logged = 0;
        for (int i = 0; i < 20; i++) {
            logged += errors.mayLogLifecycle(host, "host connected") ? 1 : 0;
        }
        assertThat(logged).isEqualTo(LogLimiter.Limits.PER_REASON_DEFAULT);

        now += TimeUnit.SECONDS.toNanos(60);

        assertThat(errors.mayLogLifecycle(host, "host connected")).isTrue();
    }
}
