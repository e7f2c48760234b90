package io.basalt.control.local;

import io.basalt.control.MetadataKeys;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Where a {@link LocalMetadataStore} keeps each key: {@code DIR/NAME} in
 * {@code DATA_DIR/DIR/NAME.properties} for each directory kind, a single key {@code NAME} in
 * {@code DATA_DIR/NAME.properties}. Only the listed directories are read, so the store leaves the
 * rest of a data dir (volume images, the engine's files, the brick identity) alone.
 *
 * @param directories the directory kinds, without the trailing '/'
 * @param singles     the keys kept in a file of their own at the top of the data dir
 * @param comment     the comment line written at the top of a key's file, for the operator who opens it
 */
public record LocalLayout(Set<String> directories, Set<String> singles, Function<String, String> comment) {
    static final String SUFFIX = ".properties";

    /** Today's data dir, exactly as the brick has always written it. */
    public static final LocalLayout DATA_DIR = new LocalLayout(
            Set.of(dir(MetadataKeys.VOLUMES), dir(MetadataKeys.QOS_POLICIES)), Set.of(MetadataKeys.NSIDS, MetadataKeys.POOL),
            LocalLayout::dataDirComment);

    private static final Map<String, String> COMMENTS = Map.of(
            MetadataKeys.VOLUMES, "Basalt volume: NSID and UUID must never change",
            MetadataKeys.NSIDS, "Basalt: the last NSID given to a volume; the next gets one above it",
            MetadataKeys.POOL, "Basalt: the engine pool this data dir's volumes live in; never edit");

    public LocalLayout {
        directories = Set.copyOf(directories);
        singles = Set.copyOf(singles);
    }

    /** The file holding the key; IllegalArgumentException for a key outside the layout. */
    Path file(Path dataDir, String key) {
        int slash = key.indexOf('/');
        if (slash < 0 ? !singles.contains(key)
                : !directories.contains(key.substring(0, slash)) || !MetadataKeys.isSegment(key.substring(slash + 1))) {
            throw new IllegalArgumentException("key " + key + " is outside the local store's layout");
        }
        return dataDir.resolve(key + SUFFIX);
    }

    /** Where the key's file would be, unchecked: for messages about files found on disk, whatever their name. */
    Path where(Path dataDir, String key) {
        return dataDir.resolve(key + SUFFIX);
    }

    private static String dir(String prefix) {
        return prefix.substring(0, prefix.length() - 1);
    }

    private static String dataDirComment(String key) {
        if (key.startsWith(MetadataKeys.QOS_POLICIES)) {
            return "Basalt QoS policy " + MetadataKeys.name(key) + " (0 = unlimited)";
        }
        return COMMENTS.getOrDefault(key.startsWith(MetadataKeys.VOLUMES) ? MetadataKeys.VOLUMES : key, "Basalt");
    }
}
