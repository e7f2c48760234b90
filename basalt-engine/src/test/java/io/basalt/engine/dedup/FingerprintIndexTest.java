package io.basalt.engine.dedup;

import io.basalt.engine.services.Allocations;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FingerprintIndexTest {
    @Test
    void shouldSizeItselfToTheBudget() {
        FingerprintIndex index = FingerprintIndex.withMemoryBudget(24_000);
        assertThat(index.memoryBytes()).isEqualTo(24_000);
        assertThat(index.maxEntries()).isEqualTo(750);
        assertThat(FingerprintIndex.withMemoryBudget(1 << 20).memoryBytes()).isLessThanOrEqualTo(1 << 20)
                .isGreaterThan((1 << 20) - FingerprintIndex.SLOT_BYTES);
        assertThatThrownBy(() -> FingerprintIndex.withMemoryBudget(100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldFindReplaceAndRemove() {
        FingerprintIndex index = FingerprintIndex.withMemoryBudget(4096);
        assertThat(index.get(1, 2)).isEqualTo(FingerprintIndex.ABSENT);
        assertThat(index.put(1, 2, 10)).isTrue();
        assertThat(index.put(1, 3, 11)).isTrue();
        assertThat(index.get(1, 2)).isEqualTo(10);
        assertThat(index.get(1, 3)).isEqualTo(11);
        assertThat(index.put(1, 2, 12)).isTrue();
        assertThat(index.get(1, 2)).isEqualTo(12);
        assertThat(index.size()).isEqualTo(2);
        assertThat(index.remove(1, 2, 10)).as("stale value").isFalse();
        assertThat(index.remove(1, 2, 12)).isTrue();
        assertThat(index.get(1, 2)).isEqualTo(FingerprintIndex.ABSENT);
        assertThat(index.get(1, 3)).isEqualTo(11);
        assertThat(index.size()).isEqualTo(1);
        assertThatThrownBy(() -> index.put(5, 5, FingerprintIndex.ABSENT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldStopAddingWhenFullButKeepWhatItHas() {
        FingerprintIndex index = FingerprintIndex.withMemoryBudget(FingerprintIndex.SLOT_BYTES * 100);
        Random r = new Random(1);
        long[][] keys = new long[100][];
        int added = 0;
        for (int i = 0; i < 100; i++) {
            keys[i] = new long[]{r.nextLong(), r.nextLong()};
            if (index.put(keys[i][0], keys[i][1], i + 1)) {
                added++;
            }
        }
        assertThat(added).isEqualTo(75);
        assertThat(index.isFull()).isTrue();
        assertThat(index.rejectedPuts()).isEqualTo(25);
        for (int i = 0; i < 75; i++) {
            assertThat(index.get(keys[i][0], keys[i][1])).isEqualTo(i + 1);
        }
        for (int i = 75; i < 100; i++) {
            assertThat(index.get(keys[i][0], keys[i][1])).isEqualTo(FingerprintIndex.ABSENT);
        }
        // Updating an entry it holds still works when full; a delete makes room for one more.
        assertThat(index.put(keys[0][0], keys[0][1], 500)).isTrue();
        assertThat(index.remove(keys[1][0], keys[1][1], 2)).isTrue();
        assertThat(index.put(keys[80][0], keys[80][1], 81)).isTrue();
        assertThat(index.get(keys[80][0], keys[80][1])).isEqualTo(81);
    }

    @Test
    void shouldKeepProbeRunsIntactWhenDeletingFromCollidingHomesAcrossTheWrap() {
        // Keys whose high half is ~0 land in the last slot and wrap around to the first ones.
        FingerprintIndex index = FingerprintIndex.withMemoryBudget(FingerprintIndex.SLOT_BYTES * 16);
        long last = -1L;
        for (int i = 1; i <= 6; i++) {
            assertThat(index.put(last, i, i)).isTrue();
        }
        assertThat(index.put(0, 99, 99)).isTrue(); // home slot 0, behind the wrapped run
        assertThat(index.remove(last, 1, 1)).isTrue();
        assertThat(index.remove(last, 4, 4)).isTrue();
        for (int i : new int[]{2, 3, 5, 6}) {
            assertThat(index.get(last, i)).isEqualTo(i);
        }
        assertThat(index.get(0, 99)).isEqualTo(99);
        assertThat(index.get(last, 1)).isEqualTo(FingerprintIndex.ABSENT);
    }

    sealed interface Op permits Put, Remove {
    }

    record Put(int key, long value) implements Op {
    }

    record Remove(int key) implements Op {
    }

    /** Against a HashMap, with few distinct high halves so probe runs collide and wrap constantly. */
    @Property(tries = 200)
    void shouldAgreeWithAMap(@ForAll("ops") @Size(max = 400) List<Op> ops) {
        FingerprintIndex index = FingerprintIndex.withMemoryBudget(FingerprintIndex.SLOT_BYTES * 64);
        Map<Integer, Long> model = new HashMap<>();
        for (Op op : ops) {
            switch (op) {
                case Put p -> {
                    boolean ok = index.put(high(p.key()), p.key(), p.value());
                    if (model.containsKey(p.key()) || model.size() < index.maxEntries()) {
                        assertThat(ok).isTrue();
                        model.put(p.key(), p.value());
                    } else {
                        assertThat(ok).isFalse();
                    }
                }
                case Remove r -> {
                    Long v = model.remove(r.key());
                    assertThat(index.remove(high(r.key()), r.key(), v == null ? 1 : v)).isEqualTo(v != null);
                }
            }
            assertThat(index.size()).isEqualTo(model.size());
        }
        for (int k = 0; k < 200; k++) {
            assertThat(index.get(high(k), k)).isEqualTo(model.getOrDefault(k, FingerprintIndex.ABSENT));
        }
    }

    /** Five high halves: the first, middle and last slot and two more, so runs cluster and wrap. */
    private static final long[] HIGHS = {0, Long.MIN_VALUE, -1L, 0x4000_0000_0000_0000L, -0x100L};

    private static long high(int key) {
        return HIGHS[key % HIGHS.length];
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> put = Arbitraries.integers().between(0, 199)
                .flatMap(k -> Arbitraries.longs().between(1, 1000).map(v -> (Op) new Put(k, v)));
        Arbitrary<Op> remove = Arbitraries.integers().between(0, 199).map(Remove::new);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, put), net.jqwik.api.Tuple.of(2, remove)).list();
    }

    @Test
    void shouldAllocateNothingPerCall() {
        FingerprintIndex index = FingerprintIndex.withMemoryBudget(1 << 16);
        long bytes = Allocations.perCall(() -> {
            index.put(7, 8, 9);
            index.get(7, 8);
            index.remove(7, 8, 9);
        });
        assertThat(bytes).isZero();
    }
}
