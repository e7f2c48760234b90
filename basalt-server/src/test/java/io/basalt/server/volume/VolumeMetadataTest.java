package io.basalt.server.volume;

import io.basalt.server.config.Backend;
import io.basalt.server.config.Hosts;
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
    void shouldNameAMissingKey() {
        Properties p = new Properties();
        p.setProperty("name", "db");

        assertThatThrownBy(() -> VolumeMetadata.fromProperties(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("missing nsid");
    }
}
