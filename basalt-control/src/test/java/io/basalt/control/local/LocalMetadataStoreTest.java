package io.basalt.control.local;

import io.basalt.control.CompactedRevisionException;
import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataEvent;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.RevisionConflictException;
import io.basalt.control.Watch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalMetadataStoreTest {
    @TempDir
    Path dataDir;

    /** A volume file as the brick before the MetadataStore wrote it (comment, date line and all). */
    private static final String OLD_VOLUME_FILE = """
            #Basalt volume: NSID and UUID must never change
            #Sat Nov 01 10:00:00 UTC 2026
            backend=engine
            block-size=4096
            hosts=any
            name=db1
            nsid=3
            size-bytes=1073741824
            uuid=5f0c6c2e-8f0a-4c55-9d4e-0c7d2b1f7a10
            """;

    @Test
    void shouldOpenADataDirWrittenBeforeTheStoreUnchanged() throws IOException, MetadataStoreException {
        Files.createDirectories(dataDir.resolve("volumes"));
        Files.writeString(dataDir.resolve("volumes/db1.properties"), OLD_VOLUME_FILE);
        Files.createDirectories(dataDir.resolve("qos-policies"));
        Files.writeString(dataDir.resolve("qos-policies/gold.properties"), "read-iops=1000\n");
        Files.writeString(dataDir.resolve("nsids.properties"), "last-issued=7\n");
        Files.writeString(dataDir.resolve("brick.properties"), "not=mine\n");

        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            assertThat(store.get("volumes/db1")).get().extracting(e -> e.field("nsid")).isEqualTo("3");
            assertThat(store.get("qos-policies/gold")).get().extracting(e -> e.field("read-iops")).isEqualTo("1000");
            assertThat(store.get(MetadataKeys.NSIDS)).get().extracting(e -> e.field("last-issued")).isEqualTo("7");
            assertThat(store.list("").entries()).extracting(MetadataEntry::key)
                    .containsExactly("nsids", "qos-policies/gold", "volumes/db1");
            assertThat(store.revision()).isEqualTo(3);
        }
        assertThat(Files.readString(dataDir.resolve("volumes/db1.properties"))).as("opening writes nothing")
                .isEqualTo(OLD_VOLUME_FILE);
    }

    @Test
    void shouldWriteTodaysFileFormat() throws IOException, MetadataStoreException {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            store.put("volumes/db1", Map.of("name", "db1", "nsid", "3"), MetadataStore.ABSENT);
            store.put("qos-policies/gold", Map.of("read-iops", "5"), MetadataStore.ABSENT);
        }

        Path volume = dataDir.resolve("volumes/db1.properties");
        assertThat(Files.readString(volume)).startsWith("#Basalt volume: NSID and UUID must never change\n");
        Properties p = AtomicFiles.readProperties(volume);
        assertThat(p).containsEntry("name", "db1").containsEntry("nsid", "3").hasSize(2);
        assertThat(Files.readString(dataDir.resolve("qos-policies/gold.properties")))
                .startsWith("#Basalt QoS policy gold (0 = unlimited)\n");
    }

    @Test
    void shouldSeeItsOwnWritesAfterReopening() throws MetadataStoreException {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            store.put("volumes/a", Map.of("k", "1"), MetadataStore.ABSENT);
            MetadataEntry b = store.put("volumes/b", Map.of("k", "2"), MetadataStore.ABSENT);
            store.put("volumes/b", Map.of("k", "3"), b.modRevision());
            store.delete("volumes/a", MetadataStore.ANY);
        }
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            assertThat(store.list(MetadataKeys.VOLUMES).entries()).extracting(MetadataEntry::key, e -> e.field("k"))
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("volumes/b", "3"));
        }
    }

    @Test
    void shouldRefuseAStaleCompareAndSetAndChangeNothing() throws MetadataStoreException {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
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
    void shouldTreatDeletingAnAbsentKeyAsAConflictOnlyWhenARevisionIsExpected() throws MetadataStoreException {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            assertThat(store.delete("volumes/none", MetadataStore.ANY)).isFalse();
            assertThat(store.delete("volumes/none", MetadataStore.ABSENT)).isFalse();
            assertThatThrownBy(() -> store.delete("volumes/none", 5)).isInstanceOf(RevisionConflictException.class);
            assertThat(store.revision()).as("no change, no revision").isZero();
        }
    }

    @Test
    void shouldRefuseKeysOutsideItsLayout() throws MetadataStoreException {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            assertThatThrownBy(() -> store.put("elsewhere/x", Map.of(), MetadataStore.ANY))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.put("volumes/.hidden", Map.of(), MetadataStore.ANY))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldDeliverChangesUnderThePrefixInRevisionOrder() throws Exception {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            store.put("volumes/before", Map.of(), MetadataStore.ABSENT);
            long from = store.list(MetadataKeys.VOLUMES).revision();
            BlockingQueue<MetadataEvent> seen = new LinkedBlockingQueue<>();
            try (Watch ignored = store.watch(MetadataKeys.VOLUMES, from, seen::add)) {
                MetadataEntry a = store.put("volumes/a", Map.of("k", "1"), MetadataStore.ABSENT);
                store.put("qos-policies/p", Map.of(), MetadataStore.ABSENT);
                store.put("volumes/a", Map.of("k", "2"), a.modRevision());
                store.delete("volumes/before", MetadataStore.ANY);

                List<MetadataEvent> events = take(seen, 3);
                assertThat(events).extracting(MetadataEvent::type, MetadataEvent::key).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(MetadataEvent.Type.PUT, "volumes/a"),
                        org.assertj.core.groups.Tuple.tuple(MetadataEvent.Type.PUT, "volumes/a"),
                        org.assertj.core.groups.Tuple.tuple(MetadataEvent.Type.DELETE, "volumes/before"));
                assertThat(events).extracting(MetadataEvent::revision).containsExactly(2L, 4L, 5L);
                assertThat(events.get(2).entry().key()).as("a delete carries what was removed")
                        .isEqualTo("volumes/before");
            }
        }
    }

    @Test
    void shouldReplayChangesAfterTheRevisionAWatchStartsFrom() throws Exception {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            long listed = store.list(MetadataKeys.VOLUMES).revision();
            store.put("volumes/a", Map.of(), MetadataStore.ABSENT);
            store.put("volumes/b", Map.of(), MetadataStore.ABSENT);
            BlockingQueue<MetadataEvent> seen = new LinkedBlockingQueue<>();

            try (Watch ignored = store.watch(MetadataKeys.VOLUMES, listed, seen::add)) {
                store.put("volumes/c", Map.of(), MetadataStore.ABSENT);

                assertThat(take(seen, 3)).extracting(MetadataEvent::key)
                        .containsExactly("volumes/a", "volumes/b", "volumes/c");
            }
        }
    }

    @Test
    void shouldRefuseToWatchFromBeforeWhatItRemembers() throws MetadataStoreException {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            store.put("volumes/a", Map.of(), MetadataStore.ABSENT);
        }
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            // Revisions restart with the process: the entries found on disk are not changes to replay.
            assertThatThrownBy(() -> store.watch(MetadataKeys.VOLUMES, 0, e -> { }))
                    .isInstanceOf(CompactedRevisionException.class);
            for (int i = 0; i <= LocalMetadataStore.HISTORY; i++) {
                store.put("volumes/b", Map.of("i", Integer.toString(i)), MetadataStore.ANY);
            }
            assertThatThrownBy(() -> store.watch(MetadataKeys.VOLUMES, 1, e -> { }))
                    .isInstanceOf(CompactedRevisionException.class);
            store.watch(MetadataKeys.VOLUMES, 2, e -> { }).close();
        }
    }

    @Test
    void shouldStopDeliveringOnceAWatchIsClosed() throws Exception {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
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
    void shouldKeepDeliveringAfterAWatcherThrows() throws Exception {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            BlockingQueue<MetadataEvent> seen = new LinkedBlockingQueue<>();
            store.watch("", 0, e -> {
                seen.add(e);
                throw new IllegalStateException("watcher bug");
            });
            store.put("volumes/a", Map.of(), MetadataStore.ABSENT);
            store.put("volumes/b", Map.of(), MetadataStore.ABSENT);

            assertThat(take(seen, 2)).extracting(MetadataEvent::key).containsExactly("volumes/a", "volumes/b");
        }
    }

    @Test
    void shouldNameTheFileOfAKey() throws MetadataStoreException {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            assertThat(store.locate("volumes/a")).isEqualTo(dataDir.resolve("volumes/a.properties").toString());
        }
    }

    static List<MetadataEvent> take(BlockingQueue<MetadataEvent> queue, int n) throws InterruptedException {
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
