package io.basalt.engine.pool;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SubmitPolicyTest {
    @Test
    void shouldSubmitAtOnceWhileTheDeviceHasLittleToDoAndBatchOnlyWhenItIsBusy() {
        int eager = SubmitPolicy.EAGER_BELOW;
        // An idle device: the first read goes at once, not at the end of the engine's turn.
        assertThat(SubmitPolicy.submitNow(1, 1, eager)).isTrue();
        assertThat(SubmitPolicy.submitNow(1, eager, eager)).isTrue();
        // Enough submitted reads at the device: wait for the turn's flush...
        assertThat(SubmitPolicy.submitNow(1, eager + 1, eager)).isFalse();
        assertThat(SubmitPolicy.submitNow(SubmitPolicy.SUBMIT_BATCH - 1, eager + SubmitPolicy.SUBMIT_BATCH - 1, eager))
                .isFalse();
        // ...unless a whole batch is waiting.
        assertThat(SubmitPolicy.submitNow(SubmitPolicy.SUBMIT_BATCH, SubmitPolicy.SUBMIT_BATCH + 500, eager)).isTrue();
        // Where submits are expensive, at once only when the device has nothing else of ours.
        int expensive = SubmitPolicy.EAGER_BELOW_EXPENSIVE;
        assertThat(SubmitPolicy.submitNow(1, 1, expensive)).isTrue();
        assertThat(SubmitPolicy.submitNow(2, 2, expensive)).isTrue();
        assertThat(SubmitPolicy.submitNow(1, 2, expensive)).isFalse();
        assertThat(SubmitPolicy.submitNow(SubmitPolicy.SUBMIT_BATCH, SubmitPolicy.SUBMIT_BATCH + 1, expensive)).isTrue();
    }

    @Test
    void shouldCallSubmitsExpensiveAboveTheLimitAndCheapAgainOnlyWellBelowIt() {
        long limit = SubmitPolicy.CHEAP_SUBMIT_NANOS;
        assertThat(SubmitPolicy.expensive(0, false)).as("none measured yet").isFalse();
        assertThat(SubmitPolicy.expensive(limit, false)).isFalse();
        assertThat(SubmitPolicy.expensive(limit + 1, false)).isTrue();
        assertThat(SubmitPolicy.expensive(18_000, false)).as("the PVM guest's doorbell").isTrue();
        // Hysteresis: once expensive, a cost just under the limit does not flip it back.
        assertThat(SubmitPolicy.expensive(limit - 1, true)).isTrue();
        assertThat(SubmitPolicy.expensive(limit / 2 + 1, true)).isTrue();
        assertThat(SubmitPolicy.expensive(limit / 2, true)).isFalse();
    }

    @Test
    void shouldChooseItsBoundByTheCostOfASubmitAndHoldItUntilTheCostHasClearlyChanged() {
        SubmitPolicy policy = new SubmitPolicy("test");
        long limit = SubmitPolicy.CHEAP_SUBMIT_NANOS;
        assertThat(policy.eagerBelow(0)).as("nothing measured").isEqualTo(SubmitPolicy.EAGER_BELOW);
        assertThat(policy.eagerBelow(3_000)).isEqualTo(SubmitPolicy.EAGER_BELOW);
        assertThat(policy.eagerBelow(18_000)).isEqualTo(SubmitPolicy.EAGER_BELOW_EXPENSIVE);
        assertThat(policy.eagerBelow(limit - 1)).as("still expensive").isEqualTo(SubmitPolicy.EAGER_BELOW_EXPENSIVE);
        assertThat(policy.eagerBelow(limit / 2)).isEqualTo(SubmitPolicy.EAGER_BELOW);
        assertThat(policy.eagerBelow(limit)).as("cheap until above the limit").isEqualTo(SubmitPolicy.EAGER_BELOW);
        assertThat(policy.eagerBelow(limit + 1)).isEqualTo(SubmitPolicy.EAGER_BELOW_EXPENSIVE);
    }
}
