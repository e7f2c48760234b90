package io.basalt.server.cluster;

import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.local.LocalMetadataStore;
import io.basalt.control.topology.Replicas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class FailoverTest {
    @TempDir
    Path dir;

    private static void record(MetadataStore store, String name, Replicas r) throws Exception {
        Map<String, String> fields = new TreeMap<>(Map.of("name", name));
        r.addTo(fields);
        store.put(MetadataKeys.volume(name), fields, MetadataStore.ANY);
    }

    private static Replicas replicas(MetadataStore store, String name) throws Exception {
        return Replicas.of(store.get(MetadataKeys.volume(name)).orElseThrow().fields());
    }

    @Test
    void aVolumeWhosePrimaryStoppedHeartbeatingMovesToAnInSyncReplicaUnderANewEpoch() throws Exception {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dir)) {
            List<String> events = new ArrayList<>();
            Failover failover = new Failover(store, (type, warning, subject, message) -> events.add(type + " " + subject));
            List<String> all = List.of("b1", "b2", "b3");
            record(store, "moves", new Replicas(all, "b1", 4));
            // b3 is out of sync: only b2 may take over, though b3 has fewer primaries.
            record(store, "to-the-in-sync-one", new Replicas(all, "b1", 2, List.of("b1", "b2")));
            record(store, "stranded", new Replicas(all, "b1", 7, List.of("b1", "b3")));
            record(store, "healthy", new Replicas(all, "b2", 1));

            failover.round(Set.of("b2"));
            failover.round(Set.of("b2"));

            assertThat(replicas(store, "moves")).isEqualTo(new Replicas(all, "b2", 5, List.of("b2", "b3"), "b1"));
            assertThat(replicas(store, "to-the-in-sync-one").primary()).isEqualTo("b2");
            assertThat(replicas(store, "stranded")).as("b3 in sync but not alive: nobody can take over")
                    .isEqualTo(new Replicas(all, "b1", 7, List.of("b1", "b3")));
            assertThat(replicas(store, "healthy")).isEqualTo(new Replicas(all, "b2", 1));
            assertThat(events).containsExactlyInAnyOrder("volume.failover moves", "volume.failover to-the-in-sync-one",
                    "volume.unavailable stranded");
        }
    }

    @Test
    void theReplicaWithFewestPrimariesTakesOver() {
        Replicas r = new Replicas(List.of("b1", "b2", "b3"), "b1", 1);
        assertThat(Failover.choose(r, Set.of("b2", "b3"), Map.of("b2", 3, "b3", 1))).isEqualTo("b3");
        assertThat(Failover.choose(r, Set.of("b2", "b3"), Map.of())).isEqualTo("b2");
        assertThat(Failover.choose(r, Set.of("b1"), Map.of())).isNull();
    }

    private static void brick(MetadataStore store, String name, String rack, io.basalt.control.topology.BrickState state,
                              boolean alive) throws Exception {
        store.put(MetadataKeys.brick(name), new io.basalt.control.topology.BrickRecord(name, "127.0.0.1:4420", null, null,
                Map.of("rack", rack), 1, 100L << 30, 50L << 30, state, 0).toFields(), MetadataStore.ANY);
        if (alive) {
            store.put(MetadataKeys.alive(name), Map.of("since", "0"), MetadataStore.ANY);
        }
    }

    /** What a replacement test sees: the store, the leader's failover on it and the events it raised. */
    private interface Replacement {
        void run(MetadataStore store, Failover failover, List<String> events) throws Exception;
    }

    /**
     * Runs {@code test} with volume {@code v} (1 GiB) on b1 (rack r1, active, the primary) and b2 (rack r2,
     * failed, out of sync), within {@code allowed}.
     */
    private void withReplicaOnAFailedBrick(io.basalt.control.placement.DomainRequirement allowed, Replacement test)
            throws Exception {
        var layout = new io.basalt.control.local.LocalLayout(java.util.Set.of("volumes", "bricks", "alive"),
                java.util.Set.of(), key -> "test");
        try (MetadataStore store = LocalMetadataStore.open(dir, layout)) {
            List<String> events = new ArrayList<>();
            Failover failover = new Failover(store, (type, warning, subject, message) -> events.add(type + " " + subject));
            brick(store, "b1", "r1", io.basalt.control.topology.BrickState.ACTIVE, true);
            brick(store, "b2", "r2", io.basalt.control.topology.BrickState.FAILED, false);
            Map<String, String> fields = new TreeMap<>(Map.of("name", "v", "size-bytes", Long.toString(1L << 30)));
            new Replicas(List.of("b1", "b2"), "b1", 3, List.of("b1")).addTo(fields);
            allowed.addAllowedTo(fields);
            store.put(MetadataKeys.volume("v"), fields, MetadataStore.ANY);
            test.run(store, failover, events);
        }
    }

    @Test
    void aReplicaOnAFailedBrickIsReplacedInAnotherDomainAndLeftOutOfSync() throws Exception {
        withReplicaOnAFailedBrick(io.basalt.control.placement.DomainRequirement.ANY, (store, failover, events) -> {
            brick(store, "b3", "r1", io.basalt.control.topology.BrickState.ACTIVE, true);
            brick(store, "b4", "r4", io.basalt.control.topology.BrickState.ACTIVE, true);

            failover.round(Set.of("b1", "b3", "b4"));

            // b3 shares rack r1 with the primary: the new replica goes to b4, empty and so out of sync.
            assertThat(replicas(store, "v")).isEqualTo(new Replicas(List.of("b1", "b4"), "b1", 3, List.of("b1")));
            assertThat(events).containsExactly("volume.replica-replaced v");
        });
    }

    @Test
    void aReplacementStaysInTheDomainsTheVolumeWasAllowedIn() throws Exception {
        var allowed = new io.basalt.control.placement.DomainRequirement(List.of(Map.of("rack", "r1"),
                Map.of("rack", "r2"), Map.of("rack", "r5")), List.of());
        withReplicaOnAFailedBrick(allowed, (store, failover, events) -> {
            brick(store, "b4", "r4", io.basalt.control.topology.BrickState.ACTIVE, true);
            failover.round(Set.of("b1", "b4"));
            // b4 is apart and has room, but rack r4 is not where the volume may live.
            assertThat(replicas(store, "v").bricks()).containsExactly("b1", "b2");
            assertThat(events).containsExactly("volume.replacement-impossible v");

            brick(store, "b5", "r5", io.basalt.control.topology.BrickState.ACTIVE, true);
            failover.round(Set.of("b1", "b4", "b5"));
            assertThat(replicas(store, "v")).isEqualTo(new Replicas(List.of("b1", "b5"), "b1", 3, List.of("b1")));
            assertThat(store.get(MetadataKeys.volume("v")).orElseThrow().fields())
                    .as("the allowed domains outlive the replacement").containsEntry("allowed-domain.2.rack", "r5");
        });
    }
}
