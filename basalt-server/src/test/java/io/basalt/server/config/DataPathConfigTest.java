package io.basalt.server.config;

import io.basalt.control.volume.ConfigException;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataPathConfigTest {

    @Test
    void shouldDefaultToOneSleepingLoopPerCore() {
        assertThat(DataPathConfig.resolve(Map.of(), Map.of())).isEqualTo(new DataPathConfig(0, false, null));
    }

    @Test
    void shouldTakeFlagsOverTheConfigFile() {
        DataPathConfig c = DataPathConfig.resolve(Map.of("io-threads", "4", "busy-poll", "false"),
                Map.of("io-threads", "1", "busy-poll", "true"));
        assertThat(c).isEqualTo(new DataPathConfig(1, true, null));
    }

    @Test
    void shouldReadBothKeysFromYaml() {
        ConfigFile f = ConfigFile.parse(new StringReader("io-threads: 2\nbusy-poll: yes\n"), "brick.yaml");
        assertThat(DataPathConfig.resolve(f.settings(), Map.of())).isEqualTo(new DataPathConfig(2, true, null));
    }

    @Test
    void shouldLeaveTheCongestionControlToTheMachineUnlessGiven() {
        assertThat(DataPathConfig.resolve(Map.of(), Map.of()).tcpCongestion()).isNull();
        assertThat(DataPathConfig.resolve(Map.of("tcp-congestion", "dctcp"), Map.of("tcp-congestion", "cubic"))
                .tcpCongestion()).isEqualTo("cubic");
        ConfigFile f = ConfigFile.parse(new StringReader("tcp-congestion: reno\n"), "brick.yaml");
        assertThat(DataPathConfig.resolve(f.settings(), Map.of())).isEqualTo(new DataPathConfig(0, false, "reno"));
    }

    @Test
    void shouldRefuseACongestionControlNameNoAlgorithmCanHave() {
        assertThatThrownBy(() -> DataPathConfig.resolve(Map.of(), Map.of("tcp-congestion", "BBR v2")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tcp-congestion: ")
                .hasMessageContaining("1-15 of a-z, 0-9 and _");
    }

    @Test
    void shouldRefuseANegativeThreadCount() {
        assertThatThrownBy(() -> DataPathConfig.resolve(Map.of(), Map.of("io-threads", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("io-threads");
    }

    @Test
    void shouldRefuseAThreadCountThatIsNotANumber() {
        assertThatThrownBy(() -> DataPathConfig.resolve(Map.of("io-threads", "many"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not a number");
    }

    @Test
    void shouldRefuseABusyPollThatIsNotABoolean() {
        assertThatThrownBy(() -> DataPathConfig.resolve(Map.of(), Map.of("busy-poll", "sometimes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("true or false");
    }
}
