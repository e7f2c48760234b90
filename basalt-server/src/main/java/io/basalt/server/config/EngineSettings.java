package io.basalt.server.config;

import io.basalt.control.volume.ConfigException;
import io.basalt.units.Sizes;
import io.basalt.engine.pool.PoolConfig;

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
 * @param overprovision    {@code overprovision}: share of the pool's data space kept free for the cleaner
 *                         (it is not offered as capacity), in [0.02, 0.5]; more lowers write
 *                         amplification under random overwrites; 0: the engine's default (15%)
 * @param preallocate      {@code preallocate}: a pool file the brick creates is written once, whole, before
 *                         use, so no durable write waits for the file system to allocate or convert blocks
 *                         (a durable 4 KiB write on a sparse ext4 file syncs metadata too); it then takes
 *                         its whole size at once, and creating it takes as long as writing it. Default
 *                         false: the file is sparse and costs only what is written
 */
public record EngineSettings(Path kekFile, Path rotateKekFrom, long dedupIndexBytes, double overprovision,
                             boolean preallocate) {
    public static final String KEK_FILE_KEY = "kek-file";
    public static final String ROTATE_KEK_FROM_KEY = "rotate-kek-from";
    public static final String DEDUP_INDEX_MEMORY_KEY = "dedup-index-memory";
    public static final String OVERPROVISION_KEY = "overprovision";
    public static final String PREALLOCATE_KEY = "preallocate";
    public static final boolean PREALLOCATE_DEFAULT = false;
    public static final Set<String> KEYS = Set.of(KEK_FILE_KEY, ROTATE_KEK_FROM_KEY, DEDUP_INDEX_MEMORY_KEY,
            OVERPROVISION_KEY, PREALLOCATE_KEY);
    public static final EngineSettings DEFAULT = new EngineSettings(null, null, 0, 0);
    /** Below this the cleaner thrashes near full; above it half the devices would be idle headroom. */
    static final double OVERPROVISION_MIN = 0.02;
    static final double OVERPROVISION_MAX = 0.5;

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
        if (overprovision != 0 && (overprovision < OVERPROVISION_MIN || overprovision > OVERPROVISION_MAX)) {
            throw new ConfigException("overprovision must be between 2% and 50%, not " + percent(overprovision));
        }
    }

    /** The settings before {@code preallocate}, which is then false. */
    public EngineSettings(Path kekFile, Path rotateKekFrom, long dedupIndexBytes, double overprovision) {
        this(kekFile, rotateKekFrom, dedupIndexBytes, overprovision, PREALLOCATE_DEFAULT);
    }

    /** The engine's tunables with these settings applied. */
    public PoolConfig poolConfig() {
        PoolConfig config = PoolConfig.defaults();
        if (dedupIndexBytes > 0) {
            config = config.withDedupIndexBytes(dedupIndexBytes);
        }
        if (overprovision > 0) {
            config = config.withFillLimit(1 - overprovision);
        }
        return config;
    }

    /** Only a key file. */
    public static EngineSettings withKek(Path kekFile) {
        return new EngineSettings(kekFile, null, 0, 0);
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
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage()).at(DEDUP_INDEX_MEMORY_KEY);
            }
        }
        String op = flags.getOrDefault(OVERPROVISION_KEY, file.get(OVERPROVISION_KEY));
        String pre = flags.getOrDefault(PREALLOCATE_KEY, file.get(PREALLOCATE_KEY));
        return new EngineSettings(path(kek), path(old), bytes, op == null || op.isBlank() ? 0 : share(op),
                bool(pre));
    }

    private static boolean bool(String s) {
        if (s == null || s.isBlank()) {
            return PREALLOCATE_DEFAULT;
        }
        return switch (s.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(PREALLOCATE_KEY + ": expected true or false, not '" + s + "'");
        };
    }

    /** "15%" or "0.15". */
    private static double share(String s) {
        String t = s.strip();
        try {
            double v = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).strip()) / 100
                    : Double.parseDouble(t);
            if (!Double.isFinite(v) || v <= 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ConfigException(OVERPROVISION_KEY + ": expected a percentage such as 15% or a share such as 0.15, not '" + s + "'");
        }
    }

    private static String percent(double share) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", share * 100);
    }

    private static Path path(String s) {
        return s == null || s.isBlank() ? null : Path.of(s);
    }
}
