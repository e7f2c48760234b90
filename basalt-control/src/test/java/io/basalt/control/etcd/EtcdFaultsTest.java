package io.basalt.control.etcd;

import io.basalt.control.CompactedRevisionException;
import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataEvent;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.MetadataUnavailableException;
import io.basalt.control.RevisionConflictException;
import io.basalt.control.Watch;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
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

import static io.basalt.control.MetadataStoreContract.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the etcd store does when etcd goes away, comes back, forgets history, or two bricks race. */
class EtcdFaultsTest {
    private static final Duration SHORT_DEADLINE = Duration.ofSeconds(1);
    @RegisterExtension
    static final EtcdMembers etcd = EtcdMembers.of(1);

    private EtcdMetadataStore open(Duration deadline) {
        return etcd.open(deadline);
    }

    /** Two bricks create the same key at once, then update it from the same read: one wins each time. */
    @RepeatedTest(5)
    void shouldLetExactlyOneOfTwoBricksWinACompareAndSet() throws Exception {
        try (EtcdMetadataStore a = open(EtcdSettings.OPERATION_TIMEOUT_DEFAULT);
             EtcdMetadataStore b = open(EtcdSettings.OPERATION_TIMEOUT_DEFAULT)) {
            List<Object> created = race(a, b, s -> s.put("volumes/v", Map.of("by", s == a ? "a" : "b"), MetadataStore.ABSENT));
            MetadataEntry winner = onlyWinner(created);
            assertThat(a.get("volumes/v")).contains(winner);

            List<Object> updated = race(a, b, s -> s.put("volumes/v", Map.of("by", s == a ? "a2" : "b2"),
                    winner.modRevision()));
            MetadataEntry second = onlyWinner(updated);
            assertThat(b.get("volumes/v")).contains(second);
            assertThat(second.version()).isEqualTo(2);
        }
    }

    private interface Write {
        MetadataEntry apply(EtcdMetadataStore store) throws MetadataStoreException;
    }

    /** Runs the write on both stores released together; each result is the entry or the exception. */
    private static List<Object> race(EtcdMetadataStore a, EtcdMetadataStore b, Write write) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<Object>> results = new ArrayList<>();
            for (EtcdMetadataStore s : List.of(a, b)) {
                results.add(two.submit(() -> {
                    go.await();
                    try {
                        return write.apply(s);
                    } catch (RevisionConflictException lost) {
                        return lost;
                    }
                }));
            }
            go.countDown();
            List<Object> out = new ArrayList<>();
            for (Future<Object> f : results) {
                out.add(f.get(10, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            two.shutdownNow();
        }
    }

    private static MetadataEntry onlyWinner(List<Object> results) {
        List<MetadataEntry> won = results.stream().filter(MetadataEntry.class::isInstance).map(MetadataEntry.class::cast).toList();
        List<RevisionConflictException> lost = results.stream().filter(RevisionConflictException.class::isInstance)
                .map(RevisionConflictException.class::cast).toList();
        assertThat(won).as("exactly one winner of " + results).hasSize(1);
        assertThat(lost).hasSize(1);
        assertThat(lost.getFirst().actualRevision()).as("the loser is told the winner's revision")
                .isEqualTo(won.getFirst().modRevision());
        return won.getFirst();
    }

    @Test
    void shouldWatchAcrossAnEtcdRestartWithoutGapsOrDuplicates() throws Exception {
        try (EtcdMetadataStore watching = open(EtcdSettings.OPERATION_TIMEOUT_DEFAULT)) {
            BlockingQueue<MetadataEvent> seen = new LinkedBlockingQueue<>();
            Watch watch = watching.watch(MetadataKeys.VOLUMES, watching.revision(), seen::add);
            try {
                watching.put("volumes/a", Map.of(), MetadataStore.ABSENT);
                watching.put("volumes/b", Map.of(), MetadataStore.ABSENT);
                assertThat(take(seen, 2)).extracting(MetadataEvent::key).containsExactly("volumes/a", "volumes/b");

                etcd.member(0).kill();
                etcd.member(0).start();
                etcd.member(0).awaitHealthy();
                // Another brick writes while the watch is still reconnecting: the watch must replay these.
                try (EtcdMetadataStore other = open(EtcdSettings.OPERATION_TIMEOUT_DEFAULT)) {
                    other.put("volumes/c", Map.of(), MetadataStore.ABSENT);
                    other.put("volumes/d", Map.of(), MetadataStore.ABSENT);
                    other.delete("volumes/a", MetadataStore.ANY);
                }
                retryUntilAvailable(() -> watching.put("volumes/e", Map.of(), MetadataStore.ABSENT));

                assertThat(take(seen, 4)).extracting(MetadataEvent::type, MetadataEvent::key).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(MetadataEvent.Type.PUT, "volumes/c"),
                        org.assertj.core.groups.Tuple.tuple(MetadataEvent.Type.PUT, "volumes/d"),
                        org.assertj.core.groups.Tuple.tuple(MetadataEvent.Type.DELETE, "volumes/a"),
                        org.assertj.core.groups.Tuple.tuple(MetadataEvent.Type.PUT, "volumes/e"));
                watching.put("volumes/marker", Map.of(), MetadataStore.ABSENT);
                assertThat(take(seen, 1)).as("no change twice: the next one is the marker")
                        .extracting(MetadataEvent::key).containsExactly("volumes/marker");
            } finally {
                watch.close();
            }
        }
    }

    @Test
    void shouldRefuseToWatchFromACompactedRevision() throws Exception {
        try (EtcdMetadataStore store = open(EtcdSettings.OPERATION_TIMEOUT_DEFAULT);
             Client raw = Client.builder().endpoints(etcd.endpoints().toArray(java.net.URI[]::new)).build()) {
            long before = store.revision();
            store.put("volumes/a", Map.of(), MetadataStore.ABSENT);
            MetadataEntry b = store.put("volumes/b", Map.of(), MetadataStore.ABSENT);
            raw.getKVClient().compact(b.modRevision()).get(10, TimeUnit.SECONDS);

            assertThatThrownBy(() -> store.watch(MetadataKeys.VOLUMES, before, e -> { }))
                    .isInstanceOf(CompactedRevisionException.class).hasMessageContaining("list");
            BlockingQueue<MetadataEvent> seen = new LinkedBlockingQueue<>();
            store.watch(MetadataKeys.VOLUMES, b.modRevision() - 1, seen::add);
            assertThat(take(seen, 1)).as("the compaction revision itself is still there")
                    .extracting(MetadataEvent::key).containsExactly("volumes/b");
        }
    }

    @Test
    void shouldFailWithinItsDeadlineWhileEtcdIsDownAndWorkAgainWhenItReturns() throws Exception {
        try (EtcdMetadataStore store = open(SHORT_DEADLINE)) {
            store.put("volumes/a", Map.of(), MetadataStore.ABSENT);
            etcd.member(0).kill();

            for (Write call : List.<Write>of(s -> s.get("volumes/a").orElseThrow(),
                    s -> s.put("volumes/b", Map.of(), MetadataStore.ANY))) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> call.apply(store)).isInstanceOf(MetadataUnavailableException.class)
                        .hasMessageContaining(etcd.member(0).clientUrl().toString());
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(tookMillis).as("failed within the deadline (plus scheduling)")
                        .isLessThan(SHORT_DEADLINE.toMillis() + 1000);
            }
            assertThatThrownBy(store::revision).isInstanceOf(MetadataUnavailableException.class);

            etcd.member(0).start();
            etcd.member(0).awaitHealthy();
            retryUntilAvailable(() -> store.put("volumes/b", Map.of(), MetadataStore.ABSENT));
            assertThat(store.list(MetadataKeys.VOLUMES).entries()).extracting(MetadataEntry::key)
                    .containsExactly("volumes/a", "volumes/b");
        }
    }

    interface Call {
        void run() throws MetadataStoreException;
    }

    /** Repeats a call that fails only because the client has not reconnected yet, for up to 15 s. */
    static void retryUntilAvailable(Call call) throws MetadataStoreException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                call.run();
                return;
            } catch (MetadataUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100); // retry interval, bounded by the deadline
            }
        }
    }
}
