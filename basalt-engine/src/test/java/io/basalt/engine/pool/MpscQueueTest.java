package io.basalt.engine.pool;

import io.basalt.block.BlockIo;
import io.basalt.engine.TestIo;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class MpscQueueTest {
    @Test
    void shouldDeliverInOrderAndRefuseWhenFull() {
        MpscQueue q = new MpscQueue(4);
        TestIo[] ios = {TestIo.flush(), TestIo.flush(), TestIo.flush(), TestIo.flush(), TestIo.flush()};
        for (int i = 0; i < 4; i++) {
            assertThat(q.offer(null, ios[i])).isTrue();
        }
        assertThat(q.offer(null, ios[4])).isFalse();
        assertThat(q.poll()).isSameAs(ios[0]);
        assertThat(q.offer(null, ios[4])).isTrue();
        for (int i = 1; i < 5; i++) {
            assertThat(q.poll()).isSameAs(ios[i]);
        }
        assertThat(q.poll()).isNull();
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void shouldDeliverEverythingFromConcurrentProducersExactlyOnce() throws InterruptedException {
        MpscQueue q = new MpscQueue(64);
        int perThread = 20_000;
        Thread[] producers = new Thread[3];
        for (int t = 0; t < producers.length; t++) {
            producers[t] = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    BlockIo io = TestIo.flush();
                    while (!q.offer(null, io)) {
                        Thread.onSpinWait();
                    }
                }
            });
            producers[t].start();
        }
        Set<BlockIo> seen = new HashSet<>();
        while (seen.size() < producers.length * perThread) {
            BlockIo io = q.poll();
            if (io != null) {
                assertThat(seen.add(io)).isTrue();
            }
        }
        for (Thread t : producers) {
            t.join();
        }
        assertThat(q.poll()).isNull();
    }
}
