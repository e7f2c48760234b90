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
        BrickRecord b = new BrickRecord("b1", "127.0.0.1:4420", "127.0.0.1:8080", Map.of("rack", "r1", "zone", "a"),
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
    void clusterIdentitySurvivesTheStore() {
        ClusterIdentity c = new ClusterIdentity("nqn.2026-12.io.basalt:cluster:x", "ABC", 99);
        assertThat(ClusterIdentity.fromFields(c.toFields())).isEqualTo(c);
    }
}
