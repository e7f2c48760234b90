package io.basalt.server.volume;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void shouldReplaceTheFileAndLeaveNoTemporaryBehind() throws IOException {
        Path file = dir.resolve("x.properties");
        AtomicFiles.write(file, "old".getBytes());

        AtomicFiles.write(file, "new".getBytes());

        assertThat(Files.readString(file)).isEqualTo("new");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void shouldRoundTripPropertiesAndReturnNullForAMissingFile() throws IOException {
        Properties p = new Properties();
        p.setProperty("k", "v:w");
        AtomicFiles.writeProperties(dir.resolve("p"), p, "comment");

        assertThat(AtomicFiles.readProperties(dir.resolve("p"))).isEqualTo(p);
        assertThat(AtomicFiles.readProperties(dir.resolve("none"))).isNull();
    }
}
