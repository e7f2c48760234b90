package io.basalt.server.volume;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The brick's own files (its identity) written as the control plane writes its metadata: see
 * {@link io.basalt.control.local.AtomicFiles}, which this forwards to so there is one implementation
 * of the write-fsync-rename-fsync sequence.
 */
final class AtomicFiles {
    private AtomicFiles() {
    }

    static void write(Path target, byte[] content) throws IOException {
        io.basalt.control.local.AtomicFiles.write(target, content);
    }

    static void writeProperties(Path target, Properties properties, String comment) throws IOException {
        io.basalt.control.local.AtomicFiles.writeProperties(target, properties, comment);
    }

    /** The properties in the file, or null if there is no file. */
    static Properties readProperties(Path file) throws IOException {
        return io.basalt.control.local.AtomicFiles.readProperties(file);
    }
}
