package io.basalt.server.volume;

import io.basalt.control.volume.DataDirException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataDirLockTest {
    @TempDir
    Path dir;

    @Test
    void shouldKeepASecondBrickOffTheDataDir() throws DataDirException {
        try (DataDirLock held = DataDirLock.acquire(dir.resolve("data"))) {
            assertThat(held).isNotNull();
            assertThatThrownBy(() -> DataDirLock.acquire(dir.resolve("data")))
                    .isInstanceOf(DataDirException.class)
                    .hasMessageContaining("is in use by another Basalt brick");
        }
    }

    @Test
    void shouldLetTheDataDirBeLockedAgainAfterRelease() throws DataDirException {
        DataDirLock.acquire(dir).close();

        DataDirLock.acquire(dir).close();
    }
}
