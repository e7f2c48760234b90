package io.basalt.netty;

import io.netty.channel.SelectStrategy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SpinThenSleepTest {
    private long now = 1_000_000;
    private final Handoffs handoffs = new Handoffs();
    private final SpinThenSleep strategy = new SpinThenSleep(50_000, 1_000_000, 2, () -> now, () -> handoffs);
    private final SpinThenSleep awaitOnly = new SpinThenSleep(0, 1_000_000, 2, () -> now, () -> handoffs);

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

    @Test
    void shouldStayAwakeForACompletionItHandedOff() throws Exception {
        awaitOnly.calculateStrategy(() -> 1, false);
        handoffs.handedOff();
        now += 999_999;
        assertThat(awaitOnly.calculateStrategy(() -> 0, false)).as("a device read in flight").isZero();
        handoffs.returned();
        assertThat(awaitOnly.calculateStrategy(() -> 0, false)).as("nothing awaited").isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void shouldSleepWhenTheAwaitedCompletionIsLate() throws Exception {
        awaitOnly.calculateStrategy(() -> 1, false);
        handoffs.handedOff();
        now += 1_000_000;
        assertThat(awaitOnly.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void shouldSleepWhileManyCompletionsAreAwaited() throws Exception {
        awaitOnly.calculateStrategy(() -> 1, false);
        handoffs.handedOff();
        handoffs.handedOff();
        now += 1_000;
        assertThat(awaitOnly.calculateStrategy(() -> 0, false)).as("two awaited").isZero();
        handoffs.handedOff();
        assertThat(awaitOnly.calculateStrategy(() -> 0, false)).as("three: completions come often")
                .isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void shouldSleepWhenIdleWithNothingAwaited() throws Exception {
        now += 1;
        assertThat(awaitOnly.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.SELECT);
    }
}
