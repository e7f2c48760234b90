package io.basalt.server.volume;

import io.basalt.control.volume.DataDirException;
import io.basalt.control.volume.NsidAllocator;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.units.Sizes;
import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.local.LocalMetadataStore;
import io.basalt.control.volume.Hosts;
import io.basalt.control.volume.VolumeSpec;
import io.basalt.nvmet.subsystem.Subsystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The volumes a brick holds: a typed view of the {@link MetadataStore}'s {@link MetadataKeys#VOLUMES}
 * records (on a single brick, one {@code DATA_DIR/volumes/NAME.properties} each), with file-backed
 * data in the data dir's {@code volumes/NAME.img}; and the rules for matching them to this run's
 * configuration: a volume keeps its NSID and UUID forever (and a deleted volume's NSID is not soon
 * given to another), may grow but not shrink, and never changes block size or backend.
 * Volumes missing from the configuration keep their files; they are just not exported.
 */
public final class VolumeCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeCatalog.class);
    public static final String DIR_NAME = "volumes";

    private final Path dir;
    private final MetadataStore store;
    private final NsidAllocator nsids;

    private VolumeCatalog(Path dir, MetadataStore store, NsidAllocator nsids) {
        this.dir = dir;
        this.store = store;
        this.nsids = nsids;
    }

    /** The volumes of a data dir, through a local store of its own. */
    public static VolumeCatalog load(Path dataDir) throws DataDirException {
        try {
            return load(LocalMetadataStore.openDataDir(dataDir), dataDir);
        } catch (MetadataStoreException e) {
            throw MetadataRecords.failed(e);
        }
    }

    /**
     * The volumes the store holds, data files under {@code dataDir}. Every record is checked here, at
     * start: a damaged one, or two claiming one NSID, stop the brick before it exports anything.
     */
    public static VolumeCatalog load(MetadataStore store, Path dataDir) throws DataDirException {
        Path dir = dataDir.resolve(DIR_NAME);
        Map<Integer, String> byNsid = new HashMap<>();
        try {
            Files.createDirectories(dir);
            for (MetadataEntry e : store.list(MetadataKeys.VOLUMES).entries()) {
                VolumeMetadata v = read(store, e);
                String other = byNsid.putIfAbsent(v.nsid(), v.name());
                if (other != null) {
                    throw new DataDirException("volumes '" + other + "' and '" + v.name() + "' both claim NSID "
                            + v.nsid() + " in " + dir);
                }
            }
        } catch (IOException e) {
            throw new DataDirException("cannot read " + dir + ": " + e.getMessage(), e);
        } catch (MetadataStoreException e) {
            throw MetadataRecords.failed(e);
        }
        NsidAllocator nsids = NsidAllocator.load(store, byNsid.keySet(), Subsystem.MAX_NAMESPACES);
        return new VolumeCatalog(dir, store, nsids);
    }

    private static VolumeMetadata read(MetadataStore store, MetadataEntry e) throws DataDirException {
        try {
            VolumeMetadata v = VolumeMetadata.fromFields(e.fields());
            if (!v.name().equals(MetadataKeys.name(e.key()))) {
                throw new IllegalArgumentException("it names volume '" + v.name() + "'");
            }
            return v;
        } catch (IllegalArgumentException x) {
            throw new DataDirException(store.locate(e.key()) + " is damaged: " + x.getMessage());
        }
    }

    /** The recorded volumes by name; checked at load, so a record that no longer parses is a bug. */
    private Map<String, VolumeMetadata> volumes() {
        Map<String, VolumeMetadata> volumes = new java.util.TreeMap<>();
        try {
            for (MetadataEntry e : store.list(MetadataKeys.VOLUMES).entries()) {
                VolumeMetadata v = read(store, e);
                volumes.put(v.name(), v);
            }
        } catch (MetadataStoreException | DataDirException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return volumes;
    }

    /** Every volume in the data dir, by name. */
    public List<VolumeMetadata> all() {
        return List.copyOf(volumes().values());
    }

    /** The volume with this UUID (in any case), or null. */
    public VolumeMetadata withUuid(String uuid) {
        for (VolumeMetadata v : all()) {
            if (v.uuid().toString().equalsIgnoreCase(uuid)) {
                return v;
            }
        }
        return null;
    }

    /** The name of the volume with this UUID, or null. */
    public String nameOf(UUID uuid) {
        VolumeMetadata v = withUuid(uuid.toString());
        return v == null ? null : v.name();
    }

    public VolumeMetadata get(String name) {
        if (!isFileName(name)) {
            return null;
        }
        try {
            MetadataEntry e = store.get(MetadataKeys.volume(name)).orElse(null);
            return e == null ? null : read(store, e);
        } catch (MetadataStoreException | DataDirException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Where a file-backed volume keeps its blocks (by name, for a volume not yet in the catalog). */
    public Path dataFile(String name) {
        VolumeMetadata v = get(name);
        return dir.resolve(v != null ? v.dataFile() : name + VolumeMetadata.DATA_SUFFIX);
    }

    /** Where a file-backed volume keeps its blocks. */
    public Path dataFile(VolumeMetadata v) {
        return dir.resolve(v.dataFile());
    }

    /**
     * The data file for a new volume: named after it, unless a volume (perhaps renamed since) keeps
     * its data in a file of that name; then a random one.
     */
    public String newDataFile(String volume) {
        String dataFile = volume + VolumeMetadata.DATA_SUFFIX;
        return dataFileInUse(dataFile) ? UUID.randomUUID() + VolumeMetadata.DATA_SUFFIX : dataFile;
    }

    /** Whether some volume's data lives in a file of this name. */
    public boolean dataFileInUse(String fileName) {
        return volumes().values().stream().anyMatch(v -> v.dataFile().equals(fileName));
    }

    /**
     * An NSID for a new volume: the next one no volume in the data dir uses after the last one
     * issued (see {@link NsidAllocator}), or {@link NsidAllocator#NONE} when all are taken.
     */
    public int allocateNsid() throws DataDirException {
        return nsids.allocate(usedNsids(volumes()));
    }

    private static Set<Integer> usedNsids(Map<String, VolumeMetadata> volumes) {
        Set<Integer> used = new HashSet<>();
        volumes.values().forEach(v -> used.add(v.nsid()));
        return used;
    }

    /** The store the records live in. */
    MetadataStore metadata() {
        return store;
    }

    /** Records a new or changed volume (atomically replacing its file). */
    public void save(VolumeMetadata v) throws DataDirException {
        store(v);
    }

    /** Records a rename: the new file is written before the old one goes, so a crash leaves at worst both. */
    public void rename(String oldName, VolumeMetadata renamed) throws DataDirException {
        store(renamed);
        removeMetadata(oldName);
    }

    /** Forgets a volume and deletes its metadata and data files. */
    public void delete(String name) throws DataDirException {
        VolumeMetadata v = get(name);
        if (v == null) {
            return;
        }
        removeMetadata(name);
        try {
            Files.deleteIfExists(dataFile(v));
        } catch (IOException e) {
            throw new DataDirException("cannot delete " + dataFile(v) + ": " + e.getMessage(), e);
        }
    }

    private void removeMetadata(String name) throws DataDirException {
        try {
            store.delete(MetadataKeys.volume(name), MetadataStore.ANY);
        } catch (MetadataStoreException e) {
            throw MetadataRecords.failed(e);
        }
    }

    /**
     * Decides which volumes to export and records them. With volumes configured, exactly those, in
     * configuration order. With none configured, every volume of the previous run with its recorded
     * hosts, or, in an empty data dir, {@code fallback}. Checks everything (changes to recorded volumes,
     * room for the new ones) before writing anything; then issues the new volumes' NSIDs
     * ({@code nsids.properties}) and writes the metadata.
     */
    public List<VolumeMetadata> reconcile(List<VolumeSpec> configured, VolumeSpec fallback) throws DataDirException {
        Map<String, VolumeMetadata> volumes = volumes();
        if (configured.isEmpty()) {
            if (!volumes.isEmpty()) {
                List<VolumeMetadata> previous = new ArrayList<>(volumes.values());
                previous.sort(Comparator.comparingInt(VolumeMetadata::nsid));
                LOG.info("No volumes configured: exporting the {} volume(s) of the previous run", previous.size());
                return previous;
            }
            LOG.info("No volumes configured and none in the data dir: creating the default volume {} ({}, {} backend, hosts={})",
                    fallback.name(), Sizes.format(fallback.sizeBytes()), fallback.backend().label(),
                    Hosts.format(fallback.hosts()));
            configured = List.of(fallback);
        }
        Map<String, VolumeMetadata> updated = new HashMap<>();
        for (VolumeSpec spec : configured) {
            VolumeMetadata old = volumes.get(spec.name());
            if (old != null) {
                updated.put(spec.name(), update(old, spec));
            }
        }
        List<VolumeSpec> fresh = configured.stream().filter(spec -> !updated.containsKey(spec.name())).toList();
        Set<Integer> usedNsids = usedNsids(volumes);
        int room = Subsystem.MAX_NAMESPACES - usedNsids.size();
        if (fresh.size() > room) {
            throw noNsidLeft(fresh.get(room));
        }
        for (VolumeSpec spec : fresh) {
            updated.put(spec.name(), create(spec, usedNsids));
        }
        List<VolumeMetadata> plan = new ArrayList<>();
        configured.forEach(spec -> plan.add(updated.get(spec.name())));
        for (VolumeMetadata v : plan) {
            VolumeMetadata old = volumes.get(v.name());
            if (!v.equals(old)) {
                store(v);
                if (old == null) {
                    LOG.info("Created volume {}: NSID {}, UUID {}, {}", v.name(), v.nsid(), v.uuid(),
                            Sizes.format(v.sizeBytes()));
                } else if (old.sizeBytes() != v.sizeBytes()) {
                    LOG.info("Growing volume {} from {} to {}", v.name(), Sizes.format(old.sizeBytes()),
                            Sizes.format(v.sizeBytes()));
                }
            }
        }
        Set<String> exported = new HashSet<>();
        plan.forEach(v -> exported.add(v.name()));
        // Volumes created through the management API are exported whatever the configuration lists.
        volumes.values().stream().filter(v -> v.managed() && !exported.contains(v.name()))
                .sorted(Comparator.comparingInt(VolumeMetadata::nsid)).forEach(v -> {
                    plan.add(v);
                    exported.add(v.name());
                });
        for (VolumeMetadata v : volumes.values()) {
            if (!exported.contains(v.name())) {
                LOG.info("Volume {} (NSID {}) from a previous run is not configured: its data is kept but not exported",
                        v.name(), v.nsid());
            }
        }
        return plan;
    }

    private static boolean isFileName(String name) {
        return !name.isEmpty() && !name.contains("/") && !name.startsWith(".");
    }

    private VolumeMetadata create(VolumeSpec spec, Set<Integer> usedNsids) throws DataDirException {
        int nsid = nsids.allocate(usedNsids);
        if (nsid == NsidAllocator.NONE) {
            throw noNsidLeft(spec);
        }
        usedNsids.add(nsid);
        return new VolumeMetadata(spec.name(), nsid, UUID.randomUUID(), spec.sizeBytes(), spec.blockSize(),
                spec.backend(), spec.hosts(), spec.services());
    }

    private static DataDirException noNsidLeft(VolumeSpec spec) {
        return new DataDirException("no NSID left for volume " + spec.name() + ": the brick has "
                + Subsystem.MAX_NAMESPACES + " volumes");
    }

    private static VolumeMetadata update(VolumeMetadata old, VolumeSpec spec) throws DataDirException {
        if (old.blockSize() != spec.blockSize()) {
            throw new DataDirException("volume " + old.name() + " has " + old.blockSize()
                    + "-byte blocks; it cannot change to " + spec.blockSize() + " (its data would be misread)");
        }
        if (old.backend() != spec.backend()) {
            throw new DataDirException("volume " + old.name() + " uses the " + old.backend().label()
                    + " backend; it cannot change to " + spec.backend().label());
        }
        if (old.services().encryption() != spec.services().encryption()
                || old.services().dedup() != spec.services().dedup()) {
            throw new DataDirException("volume " + old.name() + " was created with " + old.services().format()
                    + "; encryption and dedup are fixed at creation (create a new volume and copy the data)");
        }
        if (!old.services().compression().equals(spec.services().compression())) {
            LOG.warn("Volume {} keeps compression={}: compression is chosen at creation (configured: {})",
                    old.name(), old.services().compression(), spec.services().compression());
        }
        if (spec.sizeBytes() < old.sizeBytes()) {
            throw new DataDirException("volume " + old.name() + " is " + Sizes.format(old.sizeBytes())
                    + "; it cannot shrink to " + Sizes.format(spec.sizeBytes()) + " (data would be lost)");
        }
        return old.withSizeAndHosts(spec.sizeBytes(), spec.hosts());
    }

    /** Writes the record, if it is still as this catalog last read it (or still absent, for a new one). */
    private void store(VolumeMetadata v) throws DataDirException {
        if (!isFileName(v.name())) {
            throw new DataDirException("invalid volume name " + v.name());
        }
        String key = MetadataKeys.volume(v.name());
        try {
            store.put(key, v.toFields(), MetadataRecords.revisionOf(store, key));
        } catch (MetadataStoreException e) {
            throw MetadataRecords.failed(e);
        }
    }
}
