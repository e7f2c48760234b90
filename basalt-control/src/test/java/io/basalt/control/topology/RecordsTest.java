package io.basalt.control.topology;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordsTest {
    @Test
    void brickRecordSurvivesTheStore() {
        BrickRecord b = new BrickRecord("b1", "127.0.0.1:4420", "127.0.0.1:8080", "127.0.0.1:4421", Map.of("rack", "r1", "zone", "a"),
                3, 100, 40, BrickState.UNREACHABLE, 1234);
        assertThat(BrickRecord.fromFields("b1", b.toFields())).isEqualTo(b);
        assertThat(b.toFields()).containsEntry("domain.rack", "r1").containsEntry("state", "unreachable");
    }

    @Test
    void brickRecordNamesWhatIsMissing() {
        assertThatThrownBy(() -> BrickRecord.fromFields("b1", Map.of("slot", "1")))
                .hasMessageContaining("nvme-address");
        assertThatThrownBy(() -> BrickRecord.fromFields("b1", Map.of("nvme-address", "h:1", "slot", "x")))
                .hasMessageContaining("brick b1: damaged record");
    }

    @Test
    void replicasSurviveTheStore() {
        Replicas r = new Replicas(List.of("b1", "b2", "b3"), "b2", 7);
        Map<String, String> fields = new TreeMap<>(Map.of("name", "v"));
        r.addTo(fields);
        assertThat(Replicas.of(fields)).isEqualTo(r);
        assertThat(Replicas.of(Map.of("name", "v"))).isNull();
        assertThat(Replicas.placed(List.of("x", "y"))).isEqualTo(new Replicas(List.of("x", "y"), "x", 1));
    }

    @Test
    void thePrimaryMustHoldAReplica() {
        assertThatThrownBy(() -> new Replicas(List.of("b1"), "b2", 1)).hasMessageContaining("holds no replica");
        assertThatThrownBy(() -> Replicas.of(Map.of("replicas", "b1,b2", "primary", "b3")))
                .hasMessageContaining("damaged placement b1,b2");
    }

    @Test
    void inSyncSetSurvivesTheStoreAndFollowsFailover() {
        Replicas r = new Replicas(List.of("b1", "b2", "b3"), "b1", 4).withoutInSync("b3");
        assertThat(r.degraded()).isTrue();
        Map<String, String> fields = new TreeMap<>();
        r.addTo(fields);
        assertThat(Replicas.of(fields)).isEqualTo(r);
        // Failover: the old primary may hold unacknowledged writes, so it leaves the in-sync set.
        Replicas after = r.promote("b2");
        assertThat(after).isEqualTo(new Replicas(List.of("b1", "b2", "b3"), "b2", 5, List.of("b2"), "b1"));
        Map<String, String> afterFields = new TreeMap<>();
        after.addTo(afterFields);
        assertThat(Replicas.of(afterFields)).isEqualTo(after);
        // Back in sync, it is no longer a former primary that lacks only this epoch's writes.
        assertThat(after.withInSync("b1").former()).isNull();
        assertThat(after.withInSync("b3").promote("b3").former()).isEqualTo("b2");
        assertThatThrownBy(() -> r.promote("b3")).hasMessageContaining("not an in-sync replica");
        // A planned hand-over keeps the old primary in sync.
        assertThat(r.handOver("b2").inSync()).containsExactly("b1", "b2");
        assertThat(after.withInSync("b1").inSync()).containsExactly("b1", "b2");
        assertThat(after.replace("b3", "b4").bricks()).containsExactly("b1", "b2", "b4");
        assertThatThrownBy(() -> after.replace("b2", "b4")).hasMessageContaining("must be moved");
        assertThatThrownBy(() -> new Replicas(List.of("b1", "b2"), "b1", 1, List.of("b2")))
                .hasMessageContaining("must include the primary");
    }

    @Test
    void clusterIdentitySurvivesTheStore() {
        ClusterIdentity c = new ClusterIdentity("nqn.2026-12.io.basalt:cluster:x", "ABC", 99);
        assertThat(ClusterIdentity.fromFields(c.toFields())).isEqualTo(c);
    }
}
