package io.basalt.nvmet.controller;

import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.TestHost;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueueTest {
    private final Queue queue = new Queue(null, Fixtures.registry(), TestHost.IO_PORT);

    @Test
    void shouldBeUnconnectedUntilBound() {
        assertThat(queue.connected()).isFalse();
        assertThat(queue.size()).isZero();
        assertThat(queue.qid()).isEqualTo(-1);
        assertThat(queue.isAdmin()).isFalse();
        assertThat(queue.nextSqhd()).isZero();
    }

    @Test
    void shouldWrapSqheadAtTheQueueSize() {
        queue.bind(null, 3, 3, false);
        assertThat(queue.qid()).isEqualTo(3);
        assertThat(queue.size()).isEqualTo(3);
        int[] heads = new int[7];
        for (int i = 0; i < heads.length; i++) {
            heads[i] = queue.nextSqhd();
        }
        assertThat(heads).containsExactly(1, 2, 0, 1, 2, 0, 1);
    }

    @Test
    void shouldAlwaysReportFfffWithoutSqFlowControl() {
        queue.bind(null, 0, 32, true);
        assertThat(queue.isAdmin()).isTrue();
        assertThat(queue.sqFlowControlDisabled()).isTrue();
        for (int i = 0; i < 40; i++) {
            assertThat(queue.nextSqhd()).isEqualTo(0xFFFF);
        }
    }
}
