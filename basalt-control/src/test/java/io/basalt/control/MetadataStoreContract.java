package io.basalt.control;

import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link MetadataStore} must do, as tests: the local store runs them, and the etcd store
 * of the cluster will run the same ones. Revisions are compared relative to the store's revision at
 * the start, since a shared store (etcd) does not start at zero. Keys stay within
 * {@link MetadataKeys}' kinds, which every store accepts.
 */
public abstract class MetadataStoreContract {
    private static final int WRITERS = 4;
    private static final int INCREMENTS_EACH = 25;

    /** A store over the same state as every other call of this test gets (the same dir, the same etcd prefix). */
    protected abstract MetadataStore open() throws MetadataStoreException;

    @Test
    public void shouldSeeItsOwnWritesAfterReopening() throws MetadataStoreException {
        try (MetadataStore store = open()) {
            store.put("volumes/a", Map.of("k", "1"), MetadataStore.ABSENT);
            MetadataEntry b = store.put("volumes/b", Map.of("k", "2"), MetadataStore.ABSENT);
            store.put("volumes/b", Map.of("k", "3"), b.modRevision());
            store.delete("volumes/a", MetadataStore.ANY);
        }
        try (MetadataStore store = open()) {
            assertThat(store.list(MetadataKeys.VOLUMES).entries()).extracting(MetadataEntry::key, e -> e.field("k"))
                    .containsExactly(Tuple.tuple("volumes/b", "3"));
        }
    }

    @Test
    public void shouldRefuseAStaleCompareAndSetAndChangeNothing() throws MetadataStoreException {
        try (MetadataStore store = open()) {
            MetadataEntry first = store.put("volumes/a", Map.of("k", "1"), MetadataStore.ABSENT);
            MetadataEntry second = store.put("volumes/a", Map.of("k", "2"), first.modRevision());

            assertThatThrownBy(() -> store.put("volumes/a", Map.of("k", "3"), first.modRevision()))
                    .isInstanceOfSatisfying(RevisionConflictException.class, e -> {
                        assertThat(e.expectedRevision()).isEqualTo(first.modRevision());
                        assertThat(e.actualRevision()).isEqualTo(second.modRevision());
                    });
            assertThatThrownBy(() -> store.put("volumes/a", Map.of("k", "3"), MetadataStore.ABSENT))
                    .isInstanceOf(RevisionConflictException.class);
            assertThatThrownBy(() -> store.delete("volumes/a", first.modRevision()))
                    .isInstanceOf(RevisionConflictException.class);
            assertThat(store.get("volumes/a")).contains(second);
            assertThat(second.version()).isEqualTo(2);
            assertThat(second.createRevision()).isEqualTo(first.createRevision());
        }
    }

    @Test
    public void shouldTreatDeletingAnAbsentKeyAsAConflictOnlyWhenARevisionIsExpected() throws MetadataStoreException {
        try (MetadataStore store = open()) {
            long before = store.revision();
            assertThat(store.delete("volumes/none", MetadataStore.ANY)).isFalse();
            assertThat(store.delete("volumes/none", MetadataStore.ABSENT)).isFalse();
            assertThatThrownBy(() -> store.delete("volumes/none", before + 5))
                    .isInstanceOf(RevisionConflictException.class);
            assertThat(store.revision()).as("no change, no revision").isEqualTo(before);
        }
    }

    @Test
    public void shouldDeliverChangesUnderThePrefixInRevisionOrder() throws Exception {
        try (MetadataStore store = open()) {
            store.put("volumes/before", Map.of(), MetadataStore.ABSENT);
            long from = store.list(MetadataKeys.VOLUMES).revision();
            BlockingQueue<MetadataEvent> seen = new LinkedBlockingQueue<>();
            Watch watch = store.watch(MetadataKeys.VOLUMES, from, seen::add);
            try {
                MetadataEntry a = store.put("volumes/a", Map.of("k", "1"), MetadataStore.ABSENT);
                store.put("qos-policies/p", Map.of(), MetadataStore.ABSENT);
                MetadataEntry a2 = store.put("volumes/a", Map.of("k", "2"), a.modRevision());
                store.delete("volumes/before", MetadataStore.ANY);

                List<MetadataEvent> events = take(seen, 3);
                assertThat(events).extracting(MetadataEvent::type, MetadataEvent::key).containsExactly(
                        Tuple.tuple(MetadataEvent.Type.PUT, "volumes/a"),
                        Tuple.tuple(MetadataEvent.Type.PUT, "volumes/a"),
                        Tuple.tuple(MetadataEvent.Type.DELETE, "volumes/before"));
                assertThat(events).extracting(MetadataEvent::revision)
                        .containsExactly(a.modRevision(), a2.modRevision(), store.revision());
                assertThat(events.get(2).entry().key()).as("a delete carries what was removed")
                        .isEqualTo("volumes/before");
            } finally {
                watch.close();
            }
        }
    }

    @Test
    public void shouldReplayChangesAfterTheRevisionAWatchStartsFrom() throws Exception {
        try (MetadataStore store = open()) {
            long listed = store.list(MetadataKeys.VOLUMES).revision();
            store.put("volumes/a", Map.of(), MetadataStore.ABSENT);
            store.put("volumes/b", Map.of(), MetadataStore.ABSENT);
            BlockingQueue<MetadataEvent> seen = new LinkedBlockingQueue<>();

            Watch watch = store.watch(MetadataKeys.VOLUMES, listed, seen::add);
            try {
                store.put("volumes/c", Map.of(), MetadataStore.ABSENT);

                assertThat(take(seen, 3)).extracting(MetadataEvent::key)
                        .containsExactly("volumes/a", "volumes/b", "volumes/c");
            } finally {
                watch.close();
            }
        }
    }

    @Test
    public void shouldStopDeliveringOnceAWatchIsClosed() throws Exception {
        try (MetadataStore store = open()) {
            BlockingQueue<MetadataEvent> seen = new LinkedBlockingQueue<>();
            Watch watch = store.watch("", store.revision(), seen::add);
            store.put("volumes/a", Map.of(), MetadataStore.ABSENT);
            take(seen, 1);

            watch.close();
            store.put("volumes/b", Map.of(), MetadataStore.ABSENT);
            BlockingQueue<MetadataEvent> marker = new LinkedBlockingQueue<>();
            store.watch("", store.revision() - 1, marker::add);
            take(marker, 1);

            assertThat(seen).as("deliveries are in order: the marker came after b would have").isEmpty();
        }
    }

    @Test
    public void shouldKeepDeliveringAfterAWatcherThrows() throws Exception {
        try (MetadataStore store = open()) {
            BlockingQueue<MetadataEvent> seen = new LinkedBlockingQueue<>();
            store.watch("", store.revision(), e -> {
                seen.add(e);
                throw new IllegalStateException("watcher bug");
            });
            store.put("volumes/a", Map.of(), MetadataStore.ABSENT);
            store.put("volumes/b", Map.of(), MetadataStore.ABSENT);

            assertThat(take(seen, 2)).extracting(MetadataEvent::key).containsExactly("volumes/a", "volumes/b");
        }
    }

    /** Writers racing on one key with read-modify-compare-and-set: no update lost, each one watched, in order. */
    @RepeatedTest(3)
    public void shouldLoseNoUpdateWhenWritersRaceWithCompareAndSet() throws Exception {
        String key = MetadataKeys.NSIDS;
        try (MetadataStore store = open()) {
            store.put(key, Map.of("count", "0"), MetadataStore.ANY);
            BlockingQueue<MetadataEvent> seen = new LinkedBlockingQueue<>();
            store.watch(key, store.revision(), seen::add);
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    writers.add(pool.submit(() -> {
                        start.await();
                        for (int done = 0; done < INCREMENTS_EACH; ) {
                            MetadataEntry e = store.get(key).orElseThrow();
                            int next = Integer.parseInt(e.field("count")) + 1;
                            try {
                                store.put(key, Map.of("count", Integer.toString(next)), e.modRevision());
                                done++;
                            } catch (RevisionConflictException lost) {
                                // Another writer got there first: read again.
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : writers) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            int total = WRITERS * INCREMENTS_EACH;
            assertThat(store.get(key).orElseThrow().field("count")).isEqualTo(Integer.toString(total));
            List<MetadataEvent> events = take(seen, total);
            assertThat(events).extracting(e -> Integer.parseInt(e.entry().field("count")))
                    .as("every increment seen once, in order").isSorted().doesNotHaveDuplicates().hasSize(total);
            assertThat(events).extracting(MetadataEvent::revision).isSorted().doesNotHaveDuplicates();
        }
    }

    /** The next {@code n} changes, failing if they do not all come within ten seconds. */
    public static List<MetadataEvent> take(BlockingQueue<MetadataEvent> queue, int n) throws InterruptedException {
        List<MetadataEvent> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (out.size() < n) {
            MetadataEvent e = queue.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("only " + out.size() + " of " + n + " changes delivered: " + out);
            }
            out.add(e);
        }
        return out;
    }
}
