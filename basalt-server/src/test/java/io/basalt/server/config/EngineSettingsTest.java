package io.basalt.server.config;

import io.basalt.control.volume.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineSettingsTest {
    @Test
    void shouldTurnOverprovisionIntoTheEnginesFillLimitFlagOverFile() {
        EngineSettings s = EngineSettings.resolve(Map.of("overprovision", "0.3"), Map.of("overprovision", "25%"));
        assertThat(s.overprovision()).isEqualTo(0.25);
        assertThat(s.poolConfig().fillLimit()).isEqualTo(0.75);
        assertThat(EngineSettings.resolve(Map.of("overprovision", "0.3"), Map.of()).poolConfig().fillLimit())
                .isEqualTo(0.7);
    }

    @Test
    void shouldPreallocateOnlyWhenAskedFlagOverFile() {
        assertThat(EngineSettings.resolve(Map.of(), Map.of()).preallocate()).isFalse();
        assertThat(EngineSettings.resolve(Map.of("preallocate", "true"), Map.of()).preallocate()).isTrue();
        assertThat(EngineSettings.resolve(Map.of("preallocate", "true"), Map.of("preallocate", "false")).preallocate())
                .isFalse();
        assertThatThrownBy(() -> EngineSettings.resolve(Map.of(), Map.of("preallocate", "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("preallocate");
    }

    @Test
    void shouldLeaveTheEnginesDefaultsWhenNothingIsSet() {
        EngineSettings s = EngineSettings.resolve(Map.of(), Map.of());
        assertThat(s.poolConfig()).isEqualTo(io.basalt.engine.pool.PoolConfig.defaults());
    }

    @Test
    void shouldRefuseOverprovisionOutsideItsRangeOrNotANumber() {
        assertThatThrownBy(() -> EngineSettings.resolve(Map.of(), Map.of("overprovision", "1%")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("between 2% and 50%");
        assertThatThrownBy(() -> EngineSettings.resolve(Map.of(), Map.of("overprovision", "60%")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("between 2% and 50%");
        assertThatThrownBy(() -> EngineSettings.resolve(Map.of(), Map.of("overprovision", "lots")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("expected a percentage");
    }

    @Test
    void shouldReportABadDedupIndexSizeAsAConfigErrorNamingItsKey() {
        assertThatThrownBy(() -> EngineSettings.resolve(Map.of("dedup-index-memory", "10XB"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("dedup-index-memory: ").hasMessageContaining("unknown size unit 'XB'");
        assertThat(EngineSettings.resolve(Map.of(), Map.of("dedup-index-memory", "64MiB")).dedupIndexBytes())
                .isEqualTo(64L << 20);
    }
}
