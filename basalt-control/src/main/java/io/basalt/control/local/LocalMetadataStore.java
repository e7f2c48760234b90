package io.basalt.control.local;

import io.basalt.control.Listing;
import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataEvent;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.MetadataWatcher;
import io.basalt.control.RevisionConflictException;
import io.basalt.control.Watch;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The single brick's {@link MetadataStore}: each key is a properties file in the data dir, laid out
 * by a {@link LocalLayout} ({@link LocalLayout#DATA_DIR} is today's layout, so a data dir written by
 * any earlier brick opens unchanged). Every file is read once when the store opens; from then on
 * this store is the only writer (the data dir lock keeps other processes out), so reads are served
 * from memory and each write replaces its file atomically ({@link AtomicFiles}) before it is seen.
 *
 * <p>Revisions live in memory only: opening numbers the entries found on disk 1..n in key order
 * (each with version 1, since their history is not on disk), and each change takes the next one.
 * They are monotonic within a process and start again after a restart, which a single brick can
 * afford because its only watchers live in the same process. The last {@value #HISTORY} changes
 * can be watched from; older ones are compacted.
 */
public final class LocalMetadataStore implements MetadataStore {
    static final int HISTORY = 1024;

    private final Path dataDir;
    private final LocalLayout layout;
    private final TreeMap<String, MetadataEntry> entries = new TreeMap<>();
    private final WatchHub watches;
    private long revision;

    private LocalMetadataStore(Path dataDir, LocalLayout layout) {
        this.dataDir = dataDir;
        this.layout = layout;
        this.watches = new WatchHub(HISTORY);
    }

    /** Opens the store over today's data dir layout. */
    public static LocalMetadataStore openDataDir(Path dataDir) throws MetadataStoreException {
        return open(dataDir, LocalLayout.DATA_DIR);
    }

    /** Reads every file of the layout, creating its directories if they are missing. */
    public static LocalMetadataStore open(Path dataDir, LocalLayout layout) throws MetadataStoreException {
        LocalMetadataStore store = new LocalMetadataStore(dataDir, layout);
        TreeMap<String, Properties> found = new TreeMap<>();
        for (String dir : layout.directories()) {
            readDirectory(dataDir.resolve(dir), dir + "/", found);
        }
        for (String key : layout.singles()) {
            Path file = layout.file(dataDir, key);
            Properties p = read(file);
            if (p != null) {
                found.put(key, p);
            }
        }
        for (Map.Entry<String, Properties> e : found.entrySet()) {
            long rev = ++store.revision;
            store.entries.put(e.getKey(), new MetadataEntry(e.getKey(), fieldsOf(e.getValue()), rev, rev, 1));
        }
        store.watches.startAt(store.revision);
        return store;
    }

    private static void readDirectory(Path dir, String prefix, Map<String, Properties> found)
            throws MetadataStoreException {
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + LocalLayout.SUFFIX)) {
                for (Path file : files) {
                    String fileName = file.getFileName().toString();
                    String name = fileName.substring(0, fileName.length() - LocalLayout.SUFFIX.length());
                    Properties p = read(file);
                    found.put(prefix + name, p == null ? new Properties() : p);
                }
            }
        } catch (IOException e) {
            throw new MetadataStoreException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Properties read(Path file) throws MetadataStoreException {
        try {
            return AtomicFiles.readProperties(file);
        } catch (IOException | IllegalArgumentException e) {
            // Properties.load throws IllegalArgumentException on a malformed \\u escape.
            throw new MetadataStoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static TreeMap<String, String> fieldsOf(Properties p) {
        TreeMap<String, String> fields = new TreeMap<>();
        p.stringPropertyNames().forEach(name -> fields.put(name, p.getProperty(name)));
        return fields;
    }

    @Override
    public synchronized Optional<MetadataEntry> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    @Override
    public synchronized Listing list(String prefix) {
        List<MetadataEntry> under = new ArrayList<>();
        for (MetadataEntry e : entries.tailMap(prefix, true).values()) {
            if (!e.key().startsWith(prefix)) {
                break;
            }
            under.add(e);
        }
        return new Listing(under, revision);
    }

    @Override
    public synchronized MetadataEntry put(String key, Map<String, String> fields, long expectedRevision)
            throws MetadataStoreException {
        Path file = layout.file(dataDir, key);
        MetadataEntry old = entries.get(key);
        check(key, old, expectedRevision);
        Properties p = new Properties();
        p.putAll(fields);
        try {
            AtomicFiles.writeProperties(file, p, layout.comment().apply(key));
        } catch (IOException e) {
            throw new MetadataStoreException("cannot write " + file + ": " + e.getMessage(), e);
        }
        long rev = ++revision;
        MetadataEntry written = old == null ? new MetadataEntry(key, new TreeMap<>(fields), rev, rev, 1)
                : new MetadataEntry(key, new TreeMap<>(fields), old.createRevision(), rev, old.version() + 1);
        entries.put(key, written);
        watches.publish(new MetadataEvent(MetadataEvent.Type.PUT, key, written, rev));
        return written;
    }

    @Override
    public synchronized boolean delete(String key, long expectedRevision) throws MetadataStoreException {
        Path file = layout.file(dataDir, key);
        MetadataEntry old = entries.get(key);
        if (old == null && (expectedRevision == ANY || expectedRevision == ABSENT)) {
            return false;
        }
        check(key, old, expectedRevision);
        try {
            AtomicFiles.delete(file);
        } catch (IOException e) {
            throw new MetadataStoreException("cannot delete " + file + ": " + e.getMessage(), e);
        }
        long rev = ++revision;
        entries.remove(key);
        watches.publish(new MetadataEvent(MetadataEvent.Type.DELETE, key, old, rev));
        return true;
    }

    private static void check(String key, MetadataEntry current, long expectedRevision)
            throws RevisionConflictException {
        long actual = current == null ? ABSENT : current.modRevision();
        if (expectedRevision != ANY && expectedRevision != actual) {
            throw new RevisionConflictException(key, expectedRevision, actual);
        }
    }

    @Override
    public synchronized Watch watch(String prefix, long afterRevision, MetadataWatcher watcher)
            throws MetadataStoreException {
        return watches.watch(prefix, afterRevision, watcher);
    }

    @Override
    public synchronized long revision() {
        return revision;
    }

    @Override
    public String locate(String key) {
        return layout.where(dataDir, key).toString();
    }

    @Override
    public synchronized void close() {
        watches.close();
    }
}
