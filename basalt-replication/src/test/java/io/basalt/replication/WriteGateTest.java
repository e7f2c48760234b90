package io.basalt.replication;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class WriteGateTest {
    private final List<FanOut> resumed = new ArrayList<>();
    private final WriteGate gate = new WriteGate(resumed::add);

    private static FanOut write() {
        return new FanOut(null, 1);
    }

    @Test
    void shouldTellTheCloserOnlyOnceEveryWriteInsideHasLeft() {
        assertThat(gate.enter(write())).isTrue();
        assertThat(gate.enter(write())).isTrue();
        CompletableFuture<Void> drained = gate.close();
        assertThat(drained).isNotDone();
        gate.exit();
        assertThat(drained).isNotDone();
        gate.exit();
        assertThat(drained).isDone();
    }

    @Test
    void shouldParkWritesWhileClosedAndResumeThemOnOpen() {
        CompletableFuture<Void> drained = gate.close();
        assertThat(drained).isDone();
        FanOut a = write();
        FanOut b = write();
        assertThat(gate.enter(a)).isFalse();
        assertThat(gate.enter(b)).isFalse();
        assertThat(resumed).isEmpty();
        gate.open();
        assertThat(resumed).containsExactlyInAnyOrder(a, b);
        assertThat(gate.enter(write())).isTrue();
        assertThat(gate.inside()).isEqualTo(1);
    }
}
