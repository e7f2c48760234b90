package io.basalt.server.config;

import io.basalt.control.volume.VolumeSpec;
import io.basalt.control.volume.Backend;
import io.basalt.control.volume.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigFileTest {
    private static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:11111111-1111-1111-1111-111111111111";

    private static ConfigFile parse(String yaml) {
        return ConfigFile.parse(new StringReader(yaml), "basalt.yaml");
    }

    @Test
    void shouldReadEveryKey() {
        ConfigFile f = parse("""
                data-dir: /var/lib/basalt
                listen: 0.0.0.0:4420
                discovery-listen: 0.0.0.0:8009
                volumes:
                  - name: db
                    size: 100GiB
                    hosts: [%s]
                    block-size: 512
                    backend: file
                  - name: scratch
                    size: 1073741824
                    hosts: any
                  - name=bench,size=1GiB,backend=ram,hosts=any
                """.formatted(HOST));

        assertThat(f.dataDir()).isEqualTo("/var/lib/basalt");
        assertThat(HostPort.format(f.listen())).isEqualTo("0.0.0.0:4420");
        assertThat(HostPort.format(f.discoveryListen())).isEqualTo("0.0.0.0:8009");
        assertThat(f.volumes()).extracting(VolumeSpec::name).containsExactly("db", "scratch", "bench");
        assertThat(f.volumes().get(0).hosts().hosts()).containsExactly(HOST);
        assertThat(f.volumes().get(0).blockSize()).isEqualTo(512);
        assertThat(f.volumes().get(1).sizeBytes()).isEqualTo(1L << 30);
        assertThat(f.volumes().get(2).backend()).isEqualTo(Backend.RAM);
    }

    @Test
    void shouldTreatAnEmptyFileAsNoSettings() {
        assertThat(parse("")).isEqualTo(ConfigFile.EMPTY);
        assertThat(parse("# nothing here\n")).isEqualTo(ConfigFile.EMPTY);
    }

    @Test
    void shouldTellNoneFromAbsentForTheDiscoveryPort() {
        assertThat(parse("discovery-listen: none").discoveryListenGiven()).isTrue();
        assertThat(parse("discovery-listen: none").discoveryListen()).isNull();
        assertThat(parse("listen: 127.0.0.1:1").discoveryListenGiven()).isFalse();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "colour: red | basalt.yaml: unknown key 'colour'",
            "volume: [] | unknown key 'volume' (did you mean 'volumes'?)",
            "listen: [a, b] | basalt.yaml: listen: expected a single value",
            "listen: nowhere | basalt.yaml: listen: invalid address 'nowhere'",
            "discovery-listen: '127.0.0.1:99999' | basalt.yaml: discovery-listen: port out of range",
            "volumes: vol1 | basalt.yaml: volumes: expected a list of volumes",
            "volumes: [42] | basalt.yaml: volumes[0]: expected a map",
            "volumes: [{name: a, size: 1GiB}, {name: b, size: 2XiB}] | basalt.yaml: volumes[1]: unknown size unit 'XiB'",
            "volumes: [{name: a, size: 1GiB, speed: fast}] | basalt.yaml: volumes[0]: unknown volume key 'speed'",
            "volumes: ['name=a,size=1GiB,hosts=bad'] | basalt.yaml: volumes[0]: invalid host NQN",
            "- just a list | basalt.yaml: expected a map of settings at the top level",
            "listen: [unclosed | basalt.yaml: invalid YAML",
    })
    void shouldRejectABadFileWithAOneLineMessage(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void shouldRejectDuplicateKeys() {
        assertThatThrownBy(() -> parse("listen: 127.0.0.1:1\nlisten: 127.0.0.1:2\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid YAML")
                .hasMessageContaining("duplicate key");
    }

    @Test
    void shouldLoadAFileAndReportAMissingOne(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("basalt.yaml");
        Files.writeString(file, "listen: 127.0.0.1:4421\n");

        assertThat(ConfigFile.load(file).listen().getPort()).isEqualTo(4421);
        assertThatThrownBy(() -> ConfigFile.load(dir.resolve("missing.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.yaml does not exist");
    }
}
