package io.basalt.control.volume;

import org.junit.jupiter.api.Test;

import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VolumeMetadataTest {
    @Test
    void shouldReadBackWhatItStores() {
        VolumeMetadata v = new VolumeMetadata("db", 7, UUID.randomUUID(), 1L << 30, 512, Backend.RAM,
                Hosts.parse("nqn.2014-08.org.nvmexpress:uuid:1;nqn.2014-08.org.nvmexpress:uuid:2"));

        assertThat(VolumeMetadata.fromProperties(v.toProperties())).isEqualTo(v);
    }

    @Test
    void shouldReadBackAClonesSource() {
        VolumeMetadata v = new VolumeMetadata("copy", 3, UUID.randomUUID(), 1L << 20, 4096, Backend.ENGINE,
                Hosts.none(), "copy.img", null, null, true, 1L, null, null,
                new CloneSource(UUID.randomUUID(), "nightly@2", 17));

        assertThat(VolumeMetadata.fromProperties(v.toProperties())).isEqualTo(v);
        assertThat(VolumeMetadata.fromProperties(v.toProperties()).clonedFrom()).isEqualTo(v.clonedFrom());
    }

    @Test
    void shouldNameAMissingKey() {
        Properties p = new Properties();
        p.setProperty("name", "db");

        assertThatThrownBy(() -> VolumeMetadata.fromProperties(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("missing nsid");
    }
}
