package io.basalt.server.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The latency maximum's window, on a fake clock: as Micrometer's for a Prometheus timer, 40 to 60 s. */
class WindowMaxTest {
    private long nowMillis = 1_000_000;
    private final WindowMax max = new WindowMax(() -> nowMillis);

    @Test
    void shouldKeepAMaximumForTwoFullRotations() {
        assertThat(max.recordAndPoll(500)).isEqualTo(500);
        nowMillis += 2 * WindowMax.ROTATE_MILLIS + 19_999;
        assertThat(max.recordAndPoll(0)).isEqualTo(500);
        nowMillis += 1;
        assertThat(max.recordAndPoll(0)).isZero();
    }

    @Test
    void shouldAnswerTheLargestOfTheWindowNotTheLatest() {
        max.recordAndPoll(900);
        nowMillis += WindowMax.ROTATE_MILLIS;
        assertThat(max.recordAndPoll(100)).isEqualTo(900);
        nowMillis += 2 * WindowMax.ROTATE_MILLIS;
        assertThat(max.recordAndPoll(0)).isEqualTo(100);
    }

    @Test
    void shouldForgetEverythingAfterALongSilence() {
        max.recordAndPoll(900);
        nowMillis += 10 * WindowMax.ROTATE_MILLIS + 5;
        assertThat(max.recordAndPoll(7)).isEqualTo(7);
    }
}
