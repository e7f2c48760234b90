package io.basalt.server.cluster;

import io.basalt.control.Listing;
import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.MetadataWatcher;
import io.basalt.control.Watch;
import io.basalt.control.cluster.Candidacy;
import io.basalt.control.cluster.ClusterCoordination;
import io.basalt.control.cluster.Leader;
import io.basalt.control.cluster.LeaderObserver;
import io.basalt.control.cluster.LeadershipListener;
import io.basalt.control.cluster.Lease;
import io.basalt.control.cluster.LeaseListener;
import io.basalt.control.local.LocalLayout;
import io.basalt.control.local.LocalMetadataStore;
import io.basalt.control.topology.ClusterIdentity;
import io.basalt.server.config.ClusterSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterMemberTest {
    /** The cluster's keys, kept in files as etcd would keep them. */
    private static final LocalLayout CLUSTER_KEYS = new LocalLayout(Set.of("bricks", "alive", "brick-slots", "volumes"),
            Set.of(), key -> "test");

    @TempDir
    Path dir;

    @Test
    void aStartingBrickHeartbeatsBeforeItsRecordAppears() throws Exception {
        try (LocalMetadataStore local = LocalMetadataStore.open(dir, CLUSTER_KEYS)) {
            RecordingCluster store = new RecordingCluster(local);
            ClusterSettings settings = new ClusterSettings(List.of(), "c", "b1", Map.of(),
                    new InetSocketAddress("127.0.0.1", 4420), Duration.ofSeconds(3), Duration.ofHours(1));
            try (ClusterMember member = ClusterMember.prepare(store, settings,
                    new ClusterIdentity("nqn.2014-08.io.basalt:cluster:test", "SERIAL", 0), ClusterEvents.NONE)) {
                member.start("127.0.0.1:4420", null, "127.0.0.1:4421", new ClusterMember.CapacitySource() {
                    @Override
                    public long totalBytes() {
                        return 1L << 30;
                    }

                    @Override
                    public long freeBytes() {
                        return 1L << 30;
                    }
                });
            }

            // A leader that sees the record without the heartbeat judges the brick unreachable.
            assertThat(store.recordWrites).as("heartbeat present at each write of the brick's record")
                    .isNotEmpty().containsOnly(true);
        }
    }

    /**
     * A local store standing in for etcd: leases never end, no one is elected, and every write of
     * brick b1's record notes whether its heartbeat key was there.
     */
    private static final class RecordingCluster implements MetadataStore, ClusterCoordination {
        private final MetadataStore store;
        final List<Boolean> recordWrites = new ArrayList<>();

        RecordingCluster(MetadataStore store) {
            this.store = store;
        }

        @Override
        public MetadataEntry put(String key, Map<String, String> fields, long expectedRevision)
                throws MetadataStoreException {
            if (key.equals(MetadataKeys.brick("b1"))) {
                recordWrites.add(store.get(MetadataKeys.alive("b1")).isPresent());
            }
            return store.put(key, fields, expectedRevision);
        }

        @Override
        public MetadataEntry put(String key, Map<String, String> fields, long expectedRevision, Lease lease)
                throws MetadataStoreException {
            return put(key, fields, expectedRevision);
        }

        @Override
        public Lease grantLease(Duration ttl, LeaseListener listener) {
            return new Lease() {
                @Override
                public long id() {
                    return 1;
                }

                @Override
                public Duration ttl() {
                    return ttl;
                }

                @Override
                public long validUntilNanos() {
                    return Long.MAX_VALUE;
                }

                @Override
                public boolean isLost() {
                    return false;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public Candidacy campaign(String election, String candidate, Lease lease, LeadershipListener listener) {
            return new Candidacy() {
                @Override
                public Optional<Leader> leadership() {
                    return Optional.empty();
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public Optional<Leader> leader(String election) {
            return Optional.empty();
        }

        @Override
        public Watch observeLeader(String election, LeaderObserver observer) {
            return () -> { };
        }

        @Override
        public Optional<MetadataEntry> get(String key) throws MetadataStoreException {
            return store.get(key);
        }

        @Override
        public Listing list(String prefix) throws MetadataStoreException {
            return store.list(prefix);
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
