package io.basalt.replication;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitTest {
    private static final long MS = 1_000_000;

    @Test
    void shouldPaceCopiesToTheRate() {
        RateLimit r = new RateLimit(1_000_000, 0, 0);
        assertThat(r.reserve(1000, 0)).isZero();
        assertThat(r.reserve(1000, 0)).isEqualTo(MS);
        assertThat(r.reserve(1000, 0)).isEqualTo(2 * MS);
    }

    @Test
    void shouldNotLetAnIdleResyncSaveUpMoreThanTheBurst() {
        RateLimit r = new RateLimit(1_000_000, 5 * MS, 0);
        long now = 1000 * MS;
        long total = 0;
        for (int i = 0; i < 10; i++) {
            total += r.reserve(1000, now) == 0 ? 1 : 0;
        }
        assertThat(total).as("copies let through at once after a long idle time").isEqualTo(6);
    }
}
