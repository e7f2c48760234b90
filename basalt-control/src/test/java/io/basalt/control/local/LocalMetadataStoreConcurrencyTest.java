package io.basalt.control.local;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataEvent;
import io.basalt.control.MetadataStore;
import io.basalt.control.RevisionConflictException;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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

/**
 * Writers racing on one key with read-modify-compare-and-set, as the volume service will: no
 * update may be lost, and a watcher sees every successful one, in order.
 */
class LocalMetadataStoreConcurrencyTest {
    private static final int WRITERS = 4;
    private static final int INCREMENTS_EACH = 25;
    private static final String KEY = "nsids";

    @TempDir
    Path dataDir;

    @RepeatedTest(3)
    void shouldLoseNoUpdateWhenWritersRaceWithCompareAndSet() throws Exception {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            store.put(KEY, Map.of("count", "0"), MetadataStore.ABSENT);
            BlockingQueue<MetadataEvent> seen = new LinkedBlockingQueue<>();
            store.watch(KEY, store.revision(), seen::add);
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            try {
                List<Future<Integer>> conflicts = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    conflicts.add(pool.submit(() -> {
                        start.await();
                        int lost = 0;
                        for (int done = 0; done < INCREMENTS_EACH; ) {
                            MetadataEntry e = store.get(KEY).orElseThrow();
                            int next = Integer.parseInt(e.field("count")) + 1;
                            try {
                                store.put(KEY, Map.of("count", Integer.toString(next)), e.modRevision());
                                done++;
                            } catch (RevisionConflictException conflict) {
                                lost++;
                            }
                        }
                        return lost;
                    }));
                }
                start.countDown();
                for (Future<Integer> f : conflicts) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            int total = WRITERS * INCREMENTS_EACH;
            assertThat(store.get(KEY).orElseThrow().field("count")).isEqualTo(Integer.toString(total));
            List<MetadataEvent> events = LocalMetadataStoreTest.take(seen, total);
            assertThat(events).extracting(e -> Integer.parseInt(e.entry().field("count")))
                    .as("every increment seen once, in order").isSorted().doesNotHaveDuplicates().hasSize(total);
            assertThat(events).extracting(MetadataEvent::revision).isSorted().doesNotHaveDuplicates();
        }
    }
}
