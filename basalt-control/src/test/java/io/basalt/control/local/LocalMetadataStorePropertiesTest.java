package io.basalt.control.local;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataEvent;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreContract;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.RevisionConflictException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local store against a model a few lines long: a sorted map and a revision counter. Any
 * sequence of conditional puts and deletes must succeed or conflict as the model says, leave the
 * same entries, deliver the model's changes to a watcher in order, and read back the same after a
 * reopen.
 */
class LocalMetadataStorePropertiesTest {
    private static final List<String> KEYS = List.of("volumes/a", "volumes/b", "qos-policies/a", "nsids");

    /** How a step chooses its expected revision. */
    enum Expect { CURRENT, STALE, ABSENT, ANY }

    record Step(boolean delete, String key, Expect expect, String value) {
    }

    record Modelled(Map<String, String> fields, long createRevision, long modRevision, long version) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.of(true, false, false), Arbitraries.of(KEYS),
                Arbitraries.of(Expect.class), Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(3))
                .as(Step::new);
        return step.list().ofMaxSize(25);
    }

    @Property(tries = 60)
    void shouldBehaveAsTheModel(@ForAll("steps") List<Step> steps) throws Exception {
        Path dataDir = Files.createTempDirectory("metadata-model");
        try {
            TreeMap<String, Modelled> model = new TreeMap<>();
            List<MetadataEvent.Type> modelEvents = new ArrayList<>();
            long revision = 0;
            BlockingQueue<MetadataEvent> seen = new LinkedBlockingQueue<>();
            try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
                store.watch("", 0, seen::add);
                for (Step s : steps) {
                    Modelled current = model.get(s.key());
                    long expected = switch (s.expect()) {
                        case CURRENT -> current == null ? MetadataStore.ABSENT : current.modRevision();
                        case STALE -> current == null ? revision + 1 : current.modRevision() - 1;
                        case ABSENT -> MetadataStore.ABSENT;
                        case ANY -> MetadataStore.ANY;
                    };
                    long actual = current == null ? MetadataStore.ABSENT : current.modRevision();
                    boolean conflict = expected != MetadataStore.ANY && expected != actual;
                    boolean noOp = s.delete() && current == null
                            && (expected == MetadataStore.ANY || expected == MetadataStore.ABSENT);
                    try {
                        if (s.delete()) {
                            assertThat(store.delete(s.key(), expected)).isEqualTo(!noOp);
                        } else {
                            store.put(s.key(), Map.of("v", s.value()), expected);
                        }
                        assertThat(conflict).as("succeeded: %s", s).isFalse();
                    } catch (RevisionConflictException e) {
                        assertThat(conflict).as("conflicted: %s", s).isTrue();
                        continue;
                    }
                    if (noOp) {
                        continue;
                    }
                    revision++;
                    if (s.delete()) {
                        model.remove(s.key());
                        modelEvents.add(MetadataEvent.Type.DELETE);
                    } else {
                        model.put(s.key(), current == null ? new Modelled(Map.of("v", s.value()), revision, revision, 1)
                                : new Modelled(Map.of("v", s.value()), current.createRevision(), revision,
                                current.version() + 1));
                        modelEvents.add(MetadataEvent.Type.PUT);
                    }
                }
                assertThat(store.revision()).isEqualTo(revision);
                assertThat(asModel(store)).isEqualTo(model);
                List<MetadataEvent> events = MetadataStoreContract.take(seen, modelEvents.size());
                assertThat(events).extracting(MetadataEvent::type).isEqualTo(modelEvents);
                assertThat(events).extracting(MetadataEvent::revision).isSorted().doesNotHaveDuplicates();
            }
            try (MetadataStore reopened = LocalMetadataStore.openDataDir(dataDir)) {
                Map<String, Map<String, String>> fields = new TreeMap<>();
                model.forEach((k, m) -> fields.put(k, m.fields()));
                Map<String, Map<String, String>> read = new TreeMap<>();
                reopened.list("").entries().forEach(e -> read.put(e.key(), e.fields()));
                assertThat(read).isEqualTo(fields);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static Map<String, Modelled> asModel(MetadataStore store) throws MetadataStoreException {
        Map<String, Modelled> out = new TreeMap<>();
        for (MetadataEntry e : store.list("").entries()) {
            out.put(e.key(), new Modelled(e.fields(), e.createRevision(), e.modRevision(), e.version()));
        }
        return out;
    }
}
