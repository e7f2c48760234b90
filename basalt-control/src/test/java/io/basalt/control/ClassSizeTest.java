package io.basalt.control;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No main source file over {@value #MAX_LINES} lines: the control plane grew out of a 773-line
 * VolumeManager, and a class that size is several classes waiting to be named. (ArchUnit sees
 * bytecode, not lines, so this reads the sources.)
 */
class ClassSizeTest {
    static final int MAX_LINES = 500;

    @Test
    void shouldKeepEveryMainSourceFileUnderTheLimit() throws IOException {
        assertThat(oversized(Path.of("src/main/java"), MAX_LINES)).isEmpty();
    }

    static List<String> oversized(Path sources, int maxLines) throws IOException {
        try (Stream<Path> files = Files.walk(sources)) {
            return files.filter(p -> p.toString().endsWith(".java")).filter(p -> lines(p) > maxLines)
                    .map(p -> p + " has " + lines(p) + " lines").toList();
        }
    }

    private static long lines(Path file) {
        try (Stream<String> l = Files.lines(file)) {
            return l.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
