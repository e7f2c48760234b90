package io.basalt.netty;

import io.netty.channel.SelectStrategy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SpinThenSleepTest {
    private long now = 1_000_000;
    private final SpinThenSleep strategy = new SpinThenSleep(50_000, () -> now);

    @Test
    void shouldReturnReadyEventsAtOnce() throws Exception {
        assertThat(strategy.calculateStrategy(() -> 3, false)).isEqualTo(3);
    }

    @Test
    void shouldPollAgainWhileTheLastWorkIsRecent() throws Exception {
        strategy.calculateStrategy(() -> 1, false);
        now += 49_999;
        assertThat(strategy.calculateStrategy(() -> 0, false)).isZero();
    }

    @Test
    void shouldSleepOnceNothingHappenedForTheSpinTime() throws Exception {
        strategy.calculateStrategy(() -> 1, false);
        now += 50_000;
        assertThat(strategy.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void shouldCountPendingTasksAsWork() throws Exception {
        now += 100_000;
        assertThat(strategy.calculateStrategy(() -> 0, true)).isZero();
        now += 10_000;
        assertThat(strategy.calculateStrategy(() -> 0, false)).as("tasks ran 10 µs ago").isZero();
    }
}
