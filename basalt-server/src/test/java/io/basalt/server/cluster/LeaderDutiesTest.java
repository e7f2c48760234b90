package io.basalt.server.cluster;

import io.basalt.control.Listing;
import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.MetadataWatcher;
import io.basalt.control.Watch;
import io.basalt.control.local.LocalLayout;
import io.basalt.control.local.LocalMetadataStore;
import io.basalt.control.topology.BrickRecord;
import io.basalt.control.topology.BrickState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** How the leader judges a brick from its record, its heartbeat and the time. */
class LeaderDutiesTest {
    private static final long HOUR = 3_600_000;

    /** The cluster's keys, kept in files as etcd would keep them. */
    private static final LocalLayout CLUSTER_KEYS = new LocalLayout(Set.of("bricks", "alive", "brick-slots", "volumes"),
            Set.of(), key -> "test");

    @TempDir
    Path dir;

    private static BrickRecord in(BrickState state, long sinceMillis) {
        return new BrickRecord("b1", "127.0.0.1:4420", null, null, Map.of(), 1, 0, 0, state, sinceMillis);
    }

    @Test
    void aHeartbeatMakesAnyBrickActive() {
        for (BrickState s : BrickState.values()) {
            assertThat(LeaderDuties.next(in(s, 0), true, 10 * HOUR, HOUR)).isEqualTo(BrickState.ACTIVE);
        }
    }

    @Test
    void anActiveBrickWithoutHeartbeatIsUnreachableAtOnce() {
        assertThat(LeaderDuties.next(in(BrickState.ACTIVE, 0), false, 1, HOUR)).isEqualTo(BrickState.UNREACHABLE);
    }

    @Test
    void anUnreachableBrickFailsOnlyAfterTheGrace() {
        assertThat(LeaderDuties.next(in(BrickState.UNREACHABLE, 1000), false, 1000 + HOUR - 1, HOUR))
                .isEqualTo(BrickState.UNREACHABLE);
        assertThat(LeaderDuties.next(in(BrickState.UNREACHABLE, 1000), false, 1000 + HOUR, HOUR))
                .isEqualTo(BrickState.FAILED);
        assertThat(LeaderDuties.next(in(BrickState.FAILED, 1000), false, 1000 + 5 * HOUR, HOUR))
                .isEqualTo(BrickState.FAILED);
    }

    @Test
    void aBrickThatJoinsDuringARoundIsNotJudgedUnreachable() throws Exception {
        try (LocalMetadataStore local = LocalMetadataStore.open(dir, CLUSTER_KEYS)) {
            // b2 joins as ClusterMember.start does (heartbeat, then record) just after the round's
            // first listing, whichever that is: the round must not see its record without its heartbeat.
            JoinAfterFirstList store = new JoinAfterFirstList(local, () -> {
                local.put(MetadataKeys.alive("b2"), Map.of("since", "1"), MetadataStore.ANY);
                local.put(MetadataKeys.brick("b2"), new BrickRecord("b2", "127.0.0.1:4420", null, null, Map.of(), 2, 0, 0,
                        BrickState.ACTIVE, 1).toFields(),
                        MetadataStore.ABSENT);
            });
            List<String> events = new ArrayList<>();
            LeaderDuties duties = new LeaderDuties(store, Duration.ofHours(1),
                    (type, warning, subject, message) -> events.add(type + " " + subject));
            try {
                duties.judge();
                duties.judge();
            } finally {
                duties.close();
            }

            assertThat(BrickRecord.fromFields("b2", local.get(MetadataKeys.brick("b2")).orElseThrow().fields()).state())
                    .isEqualTo(BrickState.ACTIVE);
            assertThat(events).as("no brick.unreachable for a brick that has just started").isEmpty();
        }
    }

    /** A brick's joining, run once, right after the first listing of the store. */
    private interface Join {
        void run() throws MetadataStoreException;
    }

    /** A store that lets a brick join between two of the leader's reads. */
    private static final class JoinAfterFirstList implements MetadataStore {
        private final MetadataStore store;
        private Join join;

        JoinAfterFirstList(MetadataStore store, Join join) {
            this.store = store;
            this.join = join;
        }

        @Override
        public Listing list(String prefix) throws MetadataStoreException {
            Listing l = store.list(prefix);
            if (join != null) {
                Join j = join;
                join = null;
                j.run();
            }
            return l;
        }

        @Override
        public Optional<MetadataEntry> get(String key) throws MetadataStoreException {
            return store.get(key);
        }

        @Override
        public MetadataEntry put(String key, Map<String, String> fields, long expectedRevision)
                throws MetadataStoreException {
            return store.put(key, fields, expectedRevision);
        }

        @Override
        public boolean delete(String key, long expectedRevision) throws MetadataStoreException {
            return store.delete(key, expectedRevision);
        }

        @Override
        public Watch watch(String prefix, long afterRevision, MetadataWatcher watcher) throws MetadataStoreException {
            return store.watch(prefix, afterRevision, watcher);
        }

        @Override
        public long revision() throws MetadataStoreException {
            return store.revision();
        }

        @Override
        public String locate(String key) {
            return store.locate(key);
        }

        @Override
        public void close() {
        }
    }
}
