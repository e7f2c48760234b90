package io.basalt.volume;

import io.basalt.block.testing.MemoryBlockStore;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VolumeIdentityTest {
    private static final UUID UUID_1 = UUID.fromString("0123e456-789a-4bcd-8ef0-fedcba987654");

    @Test
    void shouldDeriveTheNguidFromTheUuidsBytesBigEndian() {
        VolumeIdentity id = new VolumeIdentity(7, "db", UUID_1);

        assertThat(id.nguid()).hasSize(VolumeIdentity.NGUID_LENGTH);
        assertThat(HexFormat.of().formatHex(id.nguid())).isEqualTo("0123e456789a4bcd8ef0fedcba987654");
    }

    @Test
    void shouldGiveTheSameNguidOnEveryPathAndAfterARename() {
        Volume a = new Volume(1, "db", UUID_1, new MemoryBlockStore(4096, 512), HostAccess.any());
        byte[] before = a.nguid();
        a.setName("db-renamed");

        assertThat(a.nguid()).isEqualTo(before).isEqualTo(new VolumeIdentity(9, "other", UUID_1).nguid());
        assertThat(a.identity()).isEqualTo(new VolumeIdentity(1, "db-renamed", UUID_1));
    }

    @Test
    void shouldRefuseTheReservedNsids() {
        assertThatThrownBy(() -> new VolumeIdentity(0, "db", UUID_1)).hasMessageContaining("NSID");
        assertThatThrownBy(() -> new VolumeIdentity(0xFFFFFFFF, "db", UUID_1)).hasMessageContaining("NSID");
        assertThat(new VolumeIdentity(1, "db", UUID_1).nsid()).isEqualTo(1);
    }
}
