package io.basalt.server.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Settings of the brick's storage-engine pool beyond its devices.
 *
 * @param kekFile          the key-encryption key that wraps encrypted volumes' data keys ({@code
 *                         kek-file}); created with mode 0600 if missing; null: encrypted volumes refused
 * @param rotateKekFrom    {@code rotate-kek-from}: the previous key file; at start the pool is opened
 *                         with it and every volume key is re-wrapped under {@code kekFile} (no data is
 *                         rewritten); afterwards the old file is no longer needed
 * @param dedupIndexBytes  {@code dedup-index-memory}: heap for the dedup fingerprint index; when it is
 *                         full, new blocks are stored without being indexed (some duplicates are missed,
 *                         nothing is lost); 0: the engine's default (64 MiB)
 */
public record EngineSettings(Path kekFile, Path rotateKekFrom, long dedupIndexBytes) {
    public static final String KEK_FILE_KEY = "kek-file";
    public static final String ROTATE_KEK_FROM_KEY = "rotate-kek-from";
    public static final String DEDUP_INDEX_MEMORY_KEY = "dedup-index-memory";
    public static final Set<String> KEYS = Set.of(KEK_FILE_KEY, ROTATE_KEK_FROM_KEY, DEDUP_INDEX_MEMORY_KEY);
    public static final EngineSettings DEFAULT = new EngineSettings(null, null, 0);

    public EngineSettings {
        if (rotateKekFrom != null && kekFile == null) {
            throw new ConfigException("rotate-kek-from needs kek-file (the new key to re-wrap volume keys under)");
        }
        if (rotateKekFrom != null && rotateKekFrom.equals(kekFile)) {
            throw new ConfigException("rotate-kek-from and kek-file name the same file");
        }
        if (dedupIndexBytes < 0 || (dedupIndexBytes > 0 && dedupIndexBytes < (1 << 20))) {
            throw new ConfigException("dedup-index-memory must be at least 1 MiB");
        }
    }

    /** Only a key file. */
    public static EngineSettings withKek(Path kekFile) {
        return new EngineSettings(kekFile, null, 0);
    }

    /** Flags (by key) over file values over defaults. */
    public static EngineSettings resolve(Map<String, String> file, Map<String, String> flags) {
        String kek = flags.getOrDefault(KEK_FILE_KEY, file.get(KEK_FILE_KEY));
        String old = flags.getOrDefault(ROTATE_KEK_FROM_KEY, file.get(ROTATE_KEK_FROM_KEY));
        String index = flags.getOrDefault(DEDUP_INDEX_MEMORY_KEY, file.get(DEDUP_INDEX_MEMORY_KEY));
        long bytes = 0;
        if (index != null && !index.isBlank()) {
            try {
                bytes = Sizes.parse(index);
            } catch (ConfigException e) {
                throw e.at(DEDUP_INDEX_MEMORY_KEY);
            }
        }
        return new EngineSettings(path(kek), path(old), bytes);
    }

    private static Path path(String s) {
        return s == null || s.isBlank() ? null : Path.of(s);
    }
}
