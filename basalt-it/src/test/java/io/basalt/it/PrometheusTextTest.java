package io.basalt.it;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusTextTest {
    private static final String PAGE = """
            # HELP basalt_replication_resync_regions_total Regions copied to returning replicas
            # TYPE basalt_replication_resync_regions_total counter
            basalt_replication_resync_regions_total{volume="f3",replica="b1"} 120.0
            basalt_replication_resync_regions_total{replica="b2",volume="f3"} 7
            basalt_replication_resync_regions_total{volume="f30",replica="b1"} 1000
            basalt_replication_resync_regions_total{volume="f2",replica="b1"} 3 1733490000000
            basalt_replication_resync_regions_total_created{volume="f3",replica="b1"} 1.7e9
            basalt_engine_host_written_total 4096
            """;

    @Test
    void shouldSumEverySeriesOfTheVolumeOnly() {
        assertThat(PrometheusText.sum(PAGE, "basalt_replication_resync_regions_total", Map.of("volume", "f3")))
                .isEqualTo(127);
        assertThat(PrometheusText.sum(PAGE, "basalt_replication_resync_regions_total", Map.of("volume", "f2")))
                .isEqualTo(3);
    }

    @Test
    void shouldCountAnAbsentSeriesAsZero() {
        assertThat(PrometheusText.sum(PAGE, "basalt_replication_resync_regions_total", Map.of("volume", "nope")))
                .isZero();
        assertThat(PrometheusText.sum("", "basalt_replication_resync_regions_total", Map.of())).isZero();
    }

    @Test
    void shouldReadASampleWithoutLabels() {
        assertThat(PrometheusText.sum(PAGE, "basalt_engine_host_written_total", Map.of())).isEqualTo(4096);
    }
}
