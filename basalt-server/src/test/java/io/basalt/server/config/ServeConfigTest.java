package io.basalt.server.config;

import io.basalt.control.volume.VolumeSpec;
import io.basalt.control.volume.Backend;
import io.basalt.control.volume.ConfigException;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServeConfigTest {
    private static ConfigFile yaml(String text) {
        return ConfigFile.parse(new StringReader(text), "test.yaml");
    }

    @Test
    void shouldUseTheEmbeddedDefaults() {
        ServeConfig c = ServeConfig.resolve(null, null, null, null, null);

        assertThat(c.dataDir()).isEqualTo(Path.of("./basalt-data"));
        assertThat(HostPort.format(c.listen())).isEqualTo("127.0.0.1:4420");
        assertThat(HostPort.format(c.discoveryListen())).isEqualTo("127.0.0.1:8009");
        assertThat(c.volumes()).isEmpty();
    }

    @Test
    void shouldDefineTheQuickStartVolume() {
        VolumeSpec v = ServeConfig.defaultVolume();

        assertThat(v.name()).isEqualTo("vol1");
        assertThat(v.sizeBytes()).isEqualTo(1L << 30);
        assertThat(v.hosts().isAny()).isTrue();
        assertThat(v.backend()).isEqualTo(Backend.ENGINE);
    }

    @Test
    void shouldLetFlagsWinOverTheFile() {
        ConfigFile file = yaml("""
                data-dir: /var/lib/basalt
                listen: 0.0.0.0:4420
                discovery-listen: none
                volumes:
                  - name=a,size=1GiB
                """);

        ServeConfig c = ServeConfig.resolve(file, Path.of("/srv"), "127.0.0.1:5000", "127.0.0.1:5001",
                List.of("name=b,size=2GiB,hosts=any"));

        assertThat(c.dataDir()).isEqualTo(Path.of("/srv"));
        assertThat(HostPort.format(c.listen())).isEqualTo("127.0.0.1:5000");
        assertThat(HostPort.format(c.discoveryListen())).isEqualTo("127.0.0.1:5001");
        assertThat(c.volumes()).extracting(VolumeSpec::name).containsExactly("b");
    }

    @Test
    void shouldTakeWhatTheFileSaysWhenNoFlagIsGiven() {
        ConfigFile file = yaml("""
                data-dir: /var/lib/basalt
                listen: 0.0.0.0:4420
                discovery-listen: none
                volumes:
                  - name=a,size=1GiB
                """);

        ServeConfig c = ServeConfig.resolve(file, null, null, null, List.of());

        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/basalt"));
        assertThat(HostPort.format(c.listen())).isEqualTo("0.0.0.0:4420");
        assertThat(c.discoveryListen()).isNull();
        assertThat(c.volumes()).extracting(VolumeSpec::name).containsExactly("a");
    }

    @Test
    void shouldRejectDuplicateVolumeNames() {
        assertThatThrownBy(() -> ServeConfig.resolve(null, null, null, null,
                List.of("name=a,size=1GiB", "name=a,size=2GiB")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("volume 'a' is defined twice");
    }

    @Test
    void shouldNameTheFlagInErrors() {
        assertThatThrownBy(() -> ServeConfig.resolve(null, null, "localhost", null, null))
                .hasMessageStartingWith("--listen: invalid address 'localhost'");
        assertThatThrownBy(() -> ServeConfig.resolve(null, null, null, "nowhere", null))
                .hasMessageStartingWith("--discovery-listen: invalid address");
        assertThatThrownBy(() -> ServeConfig.resolve(null, null, null, null, List.of("name=a,size=1QB")))
                .hasMessageStartingWith("--volume name=a,size=1QB: unknown size unit 'QB'");
    }

    @Test
    void shouldRejectTheSameAddressForBothListeners() {
        assertThatThrownBy(() -> ServeConfig.resolve(null, null, "127.0.0.1:4420", "127.0.0.1:4420", null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listen and discovery-listen are both 127.0.0.1:4420");
    }
}
