package io.basalt.engine.pool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When the idle engine thread spins before it parks. */
class EngineSpinTest {
    @Test
    void doesNotSpinWhereItHasOneCpu() {
        // On one CPU a spin can only delay the thread that would bring the engine its next work.
        assertThat(Engine.defaultSpinNanos(1)).isZero();
    }

    @Test
    void spinsFiftyMicrosecondsWhereAnotherCpuCanHandItWork() {
        assertThat(Engine.defaultSpinNanos(2)).isEqualTo(50_000L);
        assertThat(Engine.defaultSpinNanos(64)).isEqualTo(50_000L);
    }
}
