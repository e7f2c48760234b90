package io.basalt.control.volume;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VolumeSpecTest {
    private static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:11111111-1111-1111-1111-111111111111";

    @Test
    void shouldParseEveryKey() {
        VolumeSpec v = VolumeSpec.parse("name=db,size=10GiB,hosts=" + HOST + ",block-size=512,backend=ram");

        assertThat(v.name()).isEqualTo("db");
        assertThat(v.sizeBytes()).isEqualTo(10L << 30);
        assertThat(v.hosts().hosts()).containsExactly(HOST);
        assertThat(v.blockSize()).isEqualTo(512);
        assertThat(v.backend()).isEqualTo(Backend.RAM);
    }

    @Test
    void shouldDefaultTo4KiBBlocksEngineBackendLz4AndNoHost() {
        VolumeSpec v = VolumeSpec.parse("name=vol1,size=1GiB");

        assertThat(v.blockSize()).isEqualTo(4096);
        assertThat(v.backend()).isEqualTo(Backend.ENGINE);
        assertThat(v.services()).isEqualTo(DataServices.ENGINE_DEFAULT);
        assertThat(v.hosts().isAny()).isFalse();
        assertThat(v.hosts().hosts()).isEmpty();
    }

    @Test
    void shouldReadTheFormItWrites() {
        VolumeSpec v = VolumeSpec.parse("name=a,size=3MiB,hosts=any,block-size=512,backend=ram");

        assertThat(VolumeSpec.parse(v.format())).isEqualTo(v);
        assertThat(VolumeSpec.parse(VolumeSpec.parse("name=b,size=1536,block-size=512").format()).sizeBytes()).isEqualTo(1536);
    }

    @Test
    void shouldTakeYamlValuesAndHostLists() {
        VolumeSpec v = VolumeSpec.fromMap(Map.of("name", "db", "size", 1048576, "block-size", 512,
                "hosts", List.of(HOST)));

        assertThat(v.sizeBytes()).isEqualTo(1048576);
        assertThat(v.blockSize()).isEqualTo(512);
        assertThat(v.hosts().hosts()).containsExactly(HOST);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "name=a,size=1GiB,color=red | unknown volume key 'color'",
            "name=a,size=1GiB,name=b | key 'name' given twice",
            "size=1GiB | volume has no name",
            "name=a | volume 'a' has no size",
            "name=a,size=1GiB,,hosts=any | expected key=value",
            "name=a;b,size=1GiB | invalid volume name 'a;b'",
            "name=-a,size=1GiB | invalid volume name",
            "name=a,size=10XB | unknown size unit 'XB'",
            "name=a,size=1000 | must be a positive multiple of the 4096-byte block size",
            "name=a,size=0 | must be a positive multiple",
            "name=a,size=1GiB,block-size=1024 | block-size must be 512 or 4096",
            "name=a,size=1GiB,backend=disk | unknown backend 'disk'",
            "name=a,size=1GiB,hosts=somehost | invalid host NQN",
            "name=a,size=1GiB,hosts= | hosts is empty",
    })
    void shouldRejectABadSpecWithAOneLineMessage(String spec, String message) {
        assertThatThrownBy(() -> VolumeSpec.parse(spec)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void shouldParseDataServicesOfEngineVolumes() {
        VolumeSpec v = VolumeSpec.parse("name=a,size=1GiB,compression=zstd,dedup=on,encryption=aes-xts");

        assertThat(v.services()).isEqualTo(new DataServices("zstd", true, true));
        assertThat(VolumeSpec.parse(v.format())).isEqualTo(v);
        assertThat(VolumeSpec.parse("name=a,size=1GiB,compression=off").services())
                .isEqualTo(new DataServices("off", false, false));
    }

    @Test
    void shouldRefuseDataServicesOnOtherBackendsAndBadValues() {
        assertThatThrownBy(() -> VolumeSpec.parse("name=a,size=1GiB,backend=file,encryption=aes-xts"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("need backend=engine");
        assertThatThrownBy(() -> VolumeSpec.parse("name=a,size=1GiB,backend=ram,compression=lz4"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("need backend=engine");
        assertThatThrownBy(() -> VolumeSpec.parse("name=a,size=1GiB,compression=gzip"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("lz4, zstd or off");
        assertThatThrownBy(() -> VolumeSpec.parse("name=a,size=1GiB,encryption=aes-cbc"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("aes-xts or off");
        assertThat(VolumeSpec.parse("name=a,size=1GiB,backend=file,compression=off").services())
                .isEqualTo(DataServices.NONE);
    }
}
