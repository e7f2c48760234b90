package io.basalt.server.config;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterSettingsTest {
    private static final InetSocketAddress LISTEN = new InetSocketAddress("127.0.0.1", 4420);

    @Test
    void withoutEtcdTheBrickRunsOnItsOwn() {
        assertThat(ClusterSettings.resolve(Map.of(), Map.of(), LISTEN)).isNull();
    }

    @Test
    void flagsWinOverTheFileAndDefaultsFillTheRest() {
        ClusterSettings s = ClusterSettings.resolve(
                Map.of("cluster-etcd", "http://127.0.0.1:1", "brick-name", "file-name", "failure-domain", "rack=r9"),
                Map.of("cluster-etcd", "http://127.0.0.1:2379,http://127.0.0.2:2379", "brick-name", "b1",
                        "cluster-lease-ttl", "3s"), LISTEN);
        assertThat(s.etcd()).containsExactly(URI.create("http://127.0.0.1:2379"), URI.create("http://127.0.0.2:2379"));
        assertThat(s.brickName()).isEqualTo("b1");
        assertThat(s.failureDomains()).containsExactly(Map.entry("rack", "r9"));
        assertThat(s.clusterName()).isEqualTo("basalt");
        assertThat(s.advertise()).isEqualTo(LISTEN);
        assertThat(s.leaseTtl()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.failedAfter()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void refusesWhatCannotWorkWithAReason() {
        Map<String, String> etcd = Map.of("cluster-etcd", "http://127.0.0.1:2379");
        assertThatThrownBy(() -> ClusterSettings.resolve(Map.of(), etcd, LISTEN))
                .hasMessageContaining("brick-name: required with cluster-etcd");
        assertThatThrownBy(() -> ClusterSettings.resolve(Map.of(), Map.of("brick-name", "b1"), LISTEN))
                .hasMessageContaining("brick-name: only for a brick in a cluster");
        assertThatThrownBy(() -> ClusterSettings.resolve(Map.of(), Map.of("cluster-etcd", "127.0.0.1:2379",
                "brick-name", "b1"), LISTEN)).hasMessageContaining("not an etcd client URL");
        assertThatThrownBy(() -> ClusterSettings.resolve(Map.of(), with(etcd, "failure-domain", "rack"), LISTEN))
                .hasMessageContaining("expected KEY=VALUE");
        assertThatThrownBy(() -> ClusterSettings.resolve(Map.of(), with(etcd, "cluster-lease-ttl", "1s"), LISTEN))
                .hasMessageContaining("between 2s and 60s");
        assertThatThrownBy(() -> ClusterSettings.resolve(Map.of(), with(etcd, "cluster-failed-after", "soon"), LISTEN))
                .hasMessageContaining("expected a duration");
        assertThatThrownBy(() -> ClusterSettings.resolve(Map.of(), with(etcd, "brick-name", "b1"),
                new InetSocketAddress("0.0.0.0", 4420))).hasMessageContaining("--advertise HOST:PORT");
    }

    @Test
    void aClusterBrickTakesNoConfiguredVolumes() {
        assertThatThrownBy(() -> ServeConfig.resolve(null, null, null, null, List.of("name=v,size=1GiB"),
                Map.of("cluster-etcd", "http://127.0.0.1:2379", "brick-name", "b1"), null))
                .hasMessageContaining("a brick in a cluster takes its volumes from the cluster");
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> out = new java.util.HashMap<>(m);
        out.put(k, v);
        if (!out.containsKey("brick-name")) {
            out.put("brick-name", "b1");
        }
        return out;
    }
}
