package io.basalt.server.volume;

import io.basalt.nvme.Nqn;
import io.basalt.control.volume.DataDirException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrickIdentityTest {
    @TempDir
    Path dataDir;

    @Test
    void shouldGenerateAValidNqnAnd20CharacterSerialOnce() throws DataDirException {
        BrickIdentity id = BrickIdentity.loadOrCreate(dataDir);

        assertThat(Nqn.isValid(id.subsystemNqn())).isTrue();
        assertThat(id.serial()).hasSize(20).matches("[0-9A-F]+");
        assertThat(BrickIdentity.loadOrCreate(dataDir)).isEqualTo(id);
    }

    @Test
    void shouldDifferBetweenBricks(@TempDir Path other) throws DataDirException {
        assertThat(BrickIdentity.loadOrCreate(other)).isNotEqualTo(BrickIdentity.loadOrCreate(dataDir));
    }

    @Test
    void shouldRefuseADamagedFileRatherThanMintANewIdentity() throws IOException {
        Files.writeString(dataDir.resolve(BrickIdentity.FILE_NAME), "subsystem-nqn=oops\nserial=1\n");

        assertThatThrownBy(() -> BrickIdentity.loadOrCreate(dataDir)).isInstanceOf(DataDirException.class)
                .hasMessageContaining("brick.properties is damaged");
    }
}
