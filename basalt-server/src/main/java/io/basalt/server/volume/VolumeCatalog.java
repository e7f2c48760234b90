package io.basalt.server.volume;

import io.basalt.api.model.Sizes;
import io.basalt.server.config.Hosts;
import io.basalt.server.config.VolumeSpec;
import io.basalt.nvmet.subsystem.Subsystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The volumes a data dir holds, one {@code volumes/NAME.properties} each (file-backed data next to
 * it as {@code NAME.img}), and the rules for matching them to this run's configuration: a volume
 * keeps its NSID and UUID forever (and a deleted volume's NSID is not soon given to another), may
 * grow but not shrink, and never changes block size or backend.
 * Volumes missing from the configuration keep their files; they are just not exported.
 */
public final class VolumeCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeCatalog.class);
    public static final String DIR_NAME = "volumes";
    private static final String METADATA_SUFFIX = ".properties";

    private final Path dir;
    private final Map<String, VolumeMetadata> volumes;
    private final NsidAllocator nsids;

    private VolumeCatalog(Path dir, Map<String, VolumeMetadata> volumes, NsidAllocator nsids) {
        this.dir = dir;
        this.volumes = volumes;
        this.nsids = nsids;
    }

    public static VolumeCatalog load(Path dataDir) throws DataDirException {
        Path dir = dataDir.resolve(DIR_NAME);
        Map<String, VolumeMetadata> volumes = new TreeMap<>();
        Map<Integer, String> byNsid = new HashMap<>();
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + METADATA_SUFFIX)) {
                for (Path file : files) {
                    VolumeMetadata v = read(file);
                    String other = byNsid.putIfAbsent(v.nsid(), v.name());
                    if (other != null) {
                        throw new DataDirException("volumes '" + other + "' and '" + v.name() + "' both claim NSID "
                                + v.nsid() + " in " + dir);
                    }
                    volumes.put(v.name(), v);
                }
            }
        } catch (IOException e) {
            throw new DataDirException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        NsidAllocator nsids = NsidAllocator.load(dataDir, byNsid.keySet(), Subsystem.MAX_NAMESPACES);
        return new VolumeCatalog(dir, volumes, nsids);
    }

    private static VolumeMetadata read(Path file) throws IOException, DataDirException {
        String fileName = file.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - METADATA_SUFFIX.length());
        try {
            Properties p = AtomicFiles.readProperties(file);
            VolumeMetadata v = VolumeMetadata.fromProperties(p == null ? new Properties() : p);
            if (!v.name().equals(name)) {
                throw new IllegalArgumentException("it names volume '" + v.name() + "'");
            }
            return v;
        } catch (IllegalArgumentException e) {
            throw new DataDirException(file + " is damaged: " + e.getMessage());
        }
    }

    /** Every volume in the data dir, by name. */
    public List<VolumeMetadata> all() {
        return List.copyOf(volumes.values());
    }

    public VolumeMetadata get(String name) {
        return volumes.get(name);
    }

    /** Where a file-backed volume keeps its blocks (by name, for a volume not yet in the catalog). */
    public Path dataFile(String name) {
        VolumeMetadata v = volumes.get(name);
        return dir.resolve(v != null ? v.dataFile() : name + VolumeMetadata.DATA_SUFFIX);
    }

    /** Where a file-backed volume keeps its blocks. */
    public Path dataFile(VolumeMetadata v) {
        return dir.resolve(v.dataFile());
    }

    /** Whether some volume's data lives in a file of this name. */
    public boolean dataFileInUse(String fileName) {
        return volumes.values().stream().anyMatch(v -> v.dataFile().equals(fileName));
    }

    /**
     * An NSID for a new volume: the next one no volume in the data dir uses after the last one
     * issued (see {@link NsidAllocator}), or {@link NsidAllocator#NONE} when all are taken.
     */
    public int allocateNsid() throws DataDirException {
        return nsids.allocate(usedNsids());
    }

    private Set<Integer> usedNsids() {
        Set<Integer> used = new HashSet<>();
        volumes.values().forEach(v -> used.add(v.nsid()));
        return used;
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
        VolumeMetadata v = volumes.get(name);
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
        Path file = dir.resolve(name + METADATA_SUFFIX);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new DataDirException("cannot delete " + file + ": " + e.getMessage(), e);
        }
        volumes.remove(name);
    }

    /**
     * Decides which volumes to export and records them. With volumes configured, exactly those, in
     * configuration order. With none configured, every volume of the previous run with its recorded
     * hosts, or, in an empty data dir, {@code fallback}. Checks everything (changes to recorded volumes,
     * room for the new ones) before writing anything; then issues the new volumes' NSIDs
     * ({@code nsids.properties}) and writes the metadata.
     */
    public List<VolumeMetadata> reconcile(List<VolumeSpec> configured, VolumeSpec fallback) throws DataDirException {
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
        Set<Integer> usedNsids = usedNsids();
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

    private void store(VolumeMetadata v) throws DataDirException {
        if (!isFileName(v.name())) {
            throw new DataDirException("invalid volume name " + v.name());
        }
        Path file = dir.resolve(v.name() + METADATA_SUFFIX);
        try {
            AtomicFiles.writeProperties(file, v.toProperties(), "Basalt volume: NSID and UUID must never change");
        } catch (IOException e) {
            throw new DataDirException("cannot write " + file + ": " + e.getMessage(), e);
        }
        volumes.put(v.name(), v);
    }
}
