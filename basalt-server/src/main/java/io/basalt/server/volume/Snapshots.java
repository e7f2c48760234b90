package io.basalt.server.volume;

import io.basalt.block.BlockStore;
import io.basalt.control.volume.CloneSource;
import io.basalt.control.volume.CreateRequest;
import io.basalt.control.volume.DataDirException;
import io.basalt.control.volume.RepeatedCreate;
import io.basalt.control.volume.VolumeException;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.units.Sizes;
import io.basalt.engine.pool.DiffPage;
import io.basalt.engine.pool.Pool;
import io.basalt.engine.pool.SnapshotInfo;
import io.basalt.control.volume.Backend;
import io.basalt.control.volume.ConfigException;
import io.basalt.control.volume.Hosts;
import io.basalt.control.volume.VolumeSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Snapshots, clones, rollback and changed-block tracking of engine volumes, over {@link Pool}'s
 * image API (docs/engine.md, "Snapshots and clones"). A snapshot is named per volume and written
 * {@code VOLUME@SNAPSHOT} where one string must name it. Pool images are keyed by the volume's
 * UUID, so snapshots follow a volume through renames.
 */
public final class Snapshots {
    private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
    private final ManagedVolumes volumes;

    Snapshots(ManagedVolumes volumes) {
        this.volumes = volumes;
    }

    /** A snapshot of a volume, as the brick shows it. */
    public record Snapshot(String volume, SnapshotInfo info) {
        public String name() {
            return info.name();
        }

        public int id() {
            return info.id();
        }

        public long capacityBytes() {
            return info.capacityBytes();
        }

        public int blockSize() {
            return info.blockSize();
        }

        /** Bytes of the volume's address space the snapshot maps. */
        public long mappedBytes() {
            return info.mappedBytes();
        }

        public long createdMillis() {
            return info.createdMillis();
        }
    }

    /** The outcome of an idempotent create: the snapshot, and whether this call took it. */
    public record Taken(Snapshot snapshot, boolean created) {
    }

    /** Takes a snapshot; if the volume already has one of that name, returns it (created false). */
    public Taken create(String volume, String name) throws VolumeException {
        VolumeMetadata v = engineVolume(volume);
        requireName(name);
        Pool pool = pool();
        try {
            SnapshotInfo existing = pool.snapshot(key(v), name);
            if (existing != null) {
                return new Taken(new Snapshot(v.name(), existing), false);
            }
            SnapshotInfo s = pool.createSnapshot(key(v), name);
            LOG.info("Snapshot {}@{} taken ({} mapped)", v.name(), name, Sizes.format(s.mappedBytes()));
            volumes.listener().volumeEvent("snapshot.created", v.name(), "snapshot " + name + " taken");
            return new Taken(new Snapshot(v.name(), s), true);
        } catch (IOException | IllegalArgumentException e) {
            throw failure("cannot snapshot " + v.name(), e);
        }
    }

    public List<Snapshot> list(String volume) throws VolumeException {
        VolumeMetadata v = engineVolume(volume);
        try {
            return pool().listSnapshots(key(v)).stream().map(s -> new Snapshot(v.name(), s)).toList();
        } catch (IOException | IllegalArgumentException e) {
            throw failure("cannot list the snapshots of " + v.name(), e);
        }
    }

    public Snapshot get(String volume, String name) throws VolumeException {
        VolumeMetadata v = engineVolume(volume);
        return new Snapshot(v.name(), require(v, name));
    }

    public void delete(String volume, String name) throws VolumeException {
        VolumeMetadata v = engineVolume(volume);
        SnapshotInfo s = require(v, name);
        String ref = v.uuid() + "@" + name;
        for (VolumeMetadata e : volumes.catalog().all()) {
            if (ref.equals(e.snapshotOf())) {
                throw VolumeException.conflict("snapshot " + v.name() + "@" + name + " is exported read-only as '"
                        + e.name() + "'; delete that first");
            }
        }
        try {
            pool().deleteSnapshot(s.id());
        } catch (IOException | IllegalArgumentException e) {
            throw failure("cannot delete " + v.name() + "@" + name, e);
        }
        LOG.info("Snapshot {}@{} deleted", v.name(), name);
        volumes.listener().volumeEvent("snapshot.deleted", v.name(), "snapshot " + name + " deleted");
    }

    /** Deletes every snapshot of a volume (before the volume itself goes); clones made from them live on. */
    public int deleteAll(String volume) throws VolumeException {
        int n = 0;
        for (Snapshot s : list(volume)) {
            delete(volume, s.info().name());
            n++;
        }
        return n;
    }

    /**
     * Returns the volume to a snapshot's contents and size; hosts that can see it get a namespace
     * change notice and the event log a {@code volume.rolled-back} event.
     */
    public Volume rollback(String volume, String snapshot) throws VolumeException {
        VolumeMetadata v = engineVolume(volume);
        SnapshotInfo s = require(v, snapshot);
        try {
            pool().rollback(key(v), s.id());
        } catch (IOException | IllegalArgumentException e) {
            throw failure("cannot roll " + v.name() + " back to " + snapshot, e);
        }
        LOG.warn("Volume {} rolled back to snapshot {} (taken {})", v.name(), snapshot,
                java.time.Instant.ofEpochMilli(s.createdMillis()));
        return volumes.contentsReplaced(v.name(), s.capacityBytes(), "rolled back to snapshot " + snapshot);
    }

    /**
     * Changed-block tracking: ranges that differ between snapshot {@code from} and {@code to} (another
     * snapshot of the volume, or null for the volume as it is now), from {@code fromLba}.
     */
    public ChangedRanges diff(String volume, String from, String to, long fromLba, int maxRanges) throws VolumeException {
        VolumeMetadata v = engineVolume(volume);
        SnapshotInfo a = require(v, from);
        try {
            Pool pool = pool();
            int target = to == null ? pool.volume(key(v)).id() : require(v, to).id();
            DiffPage page = pool.diff(a.id(), target, fromLba, maxRanges);
            return new ChangedRanges(page.ranges().stream().map(r -> new ChangedRanges.Range(r.lba(), r.blocks()))
                    .toList(), page.nextLba());
        } catch (IOException | IllegalArgumentException e) {
            throw failure("cannot compare " + v.name() + "@" + from + " with " + (to == null ? "the volume" : to), e);
        }
    }

    /** Creates an engine volume sharing a snapshot's blocks; {@code r.fromSnapshot()} is VOLUME@SNAPSHOT. */
    Created cloneVolume(CreateRequest r) throws VolumeException {
        String ref = r.fromSnapshot();
        Created retried = retryWithSourceGone(r, false);
        if (retried != null) {
            return retried;
        }
        Source src = source(r);
        VolumeMetadata source = src.volume();
        SnapshotInfo s = src.snapshot();
        if (r.backend() != null && r.backend() != Backend.ENGINE) {
            throw VolumeException.invalid("a clone lives in the engine pool with its snapshot (backend engine)");
        }
        if (r.blockSize() != 0 && r.blockSize() != s.blockSize()) {
            throw VolumeException.invalid("a clone has its snapshot's " + s.blockSize() + "-byte blocks");
        }
        if (r.compression() != null || r.dedup() != null || r.encryption() != null) {
            throw VolumeException.invalid("a clone shares its snapshot's data services ("
                    + source.services().format() + "); leave them out");
        }
        long size = r.sizeBytes() <= 0 ? s.capacityBytes() : r.sizeBytes();
        if (size < s.capacityBytes() || size % s.blockSize() != 0) {
            throw VolumeException.invalid("a clone of " + ref + " is at least " + Sizes.format(s.capacityBytes())
                    + " and whole blocks, not " + size + " bytes");
        }
        Map<String, String> labels = r.labels() == null ? Map.of() : r.labels();
        UUID uuid = UUID.randomUUID();
        VolumeMetadata wanted = new VolumeMetadata(r.name(), VolumeMetadata.NO_NSID_YET, uuid, size, s.blockSize(),
                Backend.ENGINE, r.hosts() == null ? Hosts.none() : r.hosts(), uuid + VolumeMetadata.DATA_SUFFIX,
                new TreeMap<>(labels), r.qosPolicy(), true, System.currentTimeMillis(), source.services(), null,
                new CloneSource(source.uuid(), s.name(), s.id()));
        Created same = volumes.existingAlike(wanted);
        if (same != null) {
            return same;
        }
        // Issued (and recorded) before the pool clones: if the clone fails, this NSID is skipped until the
        // allocator comes round again. Harmless, as NSIDs are plenty; handing it back is not worth the code.
        VolumeMetadata v = wanted.withNsid(volumes.allocateNsid());
        try {
            Pool pool = pool();
            pool.cloneVolume(s.id(), uuid.toString(), false);
            if (size > s.capacityBytes()) {
                pool.resizeVolume(uuid.toString(), size);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw failure("cannot clone " + ref, e);
        }
        return volumes.adopt(v);
    }

    /**
     * Exports a snapshot to hosts as a read-only namespace of its own (for backup): hosts see it
     * write-protected, and writes fail with Namespace Is Write Protected. Deleting the export leaves
     * the snapshot.
     */
    Created export(CreateRequest r) throws VolumeException {
        Created retried = retryWithSourceGone(r, true);
        if (retried != null) {
            return retried;
        }
        Source src = source(r);
        VolumeMetadata source = src.volume();
        SnapshotInfo s = src.snapshot();
        if (r.sizeBytes() > 0 && r.sizeBytes() != s.capacityBytes()) {
            throw VolumeException.invalid("a read-only export has its snapshot's size; leave size out");
        }
        if (r.compression() != null || r.dedup() != null || r.encryption() != null || r.backend() != null
                || (r.blockSize() != 0 && r.blockSize() != s.blockSize())) {
            throw VolumeException.invalid("a read-only export is its snapshot as it is; give only name, hosts and labels");
        }
        UUID uuid = UUID.randomUUID();
        VolumeMetadata wanted = new VolumeMetadata(r.name(), VolumeMetadata.NO_NSID_YET, uuid, s.capacityBytes(),
                s.blockSize(), Backend.ENGINE, r.hosts() == null ? Hosts.none() : r.hosts(),
                uuid + VolumeMetadata.DATA_SUFFIX, new TreeMap<>(r.labels() == null ? Map.of() : r.labels()),
                r.qosPolicy(), true, System.currentTimeMillis(), source.services(),
                source.uuid() + "@" + s.name(), null);
        Created same = volumes.existingAlike(wanted);
        return same != null ? same : volumes.adoptExport(wanted.withNsid(volumes.allocateNsid()));
    }

    /** The snapshot a create names in {@code fromSnapshot} (VOLUME@SNAPSHOT), and its volume. */
    private record Source(VolumeMetadata volume, SnapshotInfo snapshot) {
    }

    /** {@code fromSnapshot} split: the volume (name or UUID) and the snapshot's name. */
    private record Ref(String volume, String snapshot) {
        static Ref parse(String ref) throws VolumeException {
            int at = ref.lastIndexOf('@');
            if (at <= 0 || at == ref.length() - 1) {
                throw VolumeException.invalid("fromSnapshot must be VOLUME@SNAPSHOT, not '" + ref + "'");
            }
            return new Ref(ref.substring(0, at), ref.substring(at + 1));
        }
    }

    /**
     * A create of a clone or export whose name is taken, after its snapshot (or the snapshot's volume)
     * was deleted: the create may be a retry, which must answer as the first did (docs/openapi.yaml),
     * not 404. The volume is compared with what the request and the volume's recorded origin still
     * tell. Returns null when no volume has that name or the snapshot still exists: then the create
     * resolves the snapshot and compares in full (which also tells a snapshot deleted and retaken).
     */
    private Created retryWithSourceGone(CreateRequest r, boolean export)
            throws VolumeException {
        Ref ref = Ref.parse(r.fromSnapshot());
        VolumeMetadata existing = volumes.catalog().get(r.name());
        if (existing == null || snapshotExists(ref)) {
            return null;
        }
        if (!sameOrigin(existing, ref, export)) {
            throw VolumeException.conflict("volume '" + r.name() + "' already exists with a different spec: "
                    + RepeatedCreate.describe(existing, this::nameOf) + ", not "
                    + (export ? "a read-only export" : "a clone") + " of " + r.fromSnapshot());
        }
        if (r.compression() != null || r.dedup() != null || r.encryption() != null
                || (r.backend() != null && r.backend() != Backend.ENGINE)) {
            throw VolumeException.invalid("a clone or read-only export has its snapshot's backend and data services ("
                    + existing.services().format() + "); leave them out");
        }
        // What the request leaves out was the snapshot's (size, block size): the volume still has it.
        VolumeMetadata wanted = new VolumeMetadata(r.name(), existing.nsid(), existing.uuid(),
                r.sizeBytes() > 0 ? r.sizeBytes() : existing.sizeBytes(),
                r.blockSize() != 0 ? r.blockSize() : existing.blockSize(), Backend.ENGINE,
                r.hosts() == null ? Hosts.none() : r.hosts(), existing.dataFile(),
                new TreeMap<>(r.labels() == null ? Map.of() : r.labels()), r.qosPolicy(), true,
                existing.createdMillis(), existing.services(), existing.snapshotOf(), existing.clonedFrom());
        return volumes.existingAlike(wanted);
    }

    private boolean snapshotExists(Ref ref) throws VolumeException {
        VolumeMetadata source;
        try {
            source = volumes.find(ref.volume()).metadata();
        } catch (VolumeException e) {
            if (e.kind() == VolumeException.Kind.NOT_FOUND) {
                return false;
            }
            throw e;
        }
        if (source.isSnapshotExport() || source.backend() != Backend.ENGINE) {
            return true; // not a snapshot's volume at all: the full path says why
        }
        try {
            return pool().snapshot(key(source), ref.snapshot()) != null;
        } catch (IOException | IllegalArgumentException e) {
            throw failure("cannot look up " + source.name() + "@" + ref.snapshot(), e);
        }
    }

    /**
     * Whether {@code existing} is a clone (or export) of the snapshot {@code ref} names. The snapshot's
     * volume is recorded by UUID; {@code ref} may name it by UUID or current name. Once that volume is
     * deleted its name cannot be checked: any name no volume has now may have been it.
     */
    private boolean sameOrigin(VolumeMetadata existing, Ref ref, boolean export) {
        String recorded = export ? existing.snapshotOf()
                : existing.clonedFrom() == null ? null : existing.clonedFrom().ref();
        if (recorded == null || existing.isSnapshotExport() != export) {
            return false;
        }
        int at = recorded.indexOf('@');
        if (!recorded.substring(at + 1).equals(ref.snapshot())) {
            return false;
        }
        String uuid = recorded.substring(0, at);
        if (uuid.equalsIgnoreCase(ref.volume())) {
            return true;
        }
        String current = nameOf(UUID.fromString(uuid));
        return current != null ? current.equals(ref.volume()) : volumes.catalog().get(ref.volume()) == null;
    }

    private String nameOf(UUID uuid) {
        for (VolumeMetadata v : volumes.catalog().all()) {
            if (v.uuid().equals(uuid)) {
                return v.name();
            }
        }
        return null;
    }

    /**
     * Resolves {@code fromSnapshot} and checks the new volume's name is valid; a volume of that name
     * may exist (the create is then idempotent, or a conflict: {@link ManagedVolumes#existingAlike}).
     */
    private Source source(CreateRequest r) throws VolumeException {
        Ref ref = Ref.parse(r.fromSnapshot());
        VolumeMetadata source = engineVolume(ref.volume());
        SnapshotInfo s = require(source, ref.snapshot());
        try {
            VolumeSpec.requireValidName(r.name());
        } catch (ConfigException e) {
            throw VolumeException.invalid(e.getMessage());
        }
        return new Source(source, s);
    }

    /** The read-only store of an exported snapshot. */
    BlockStore openExport(VolumeMetadata v) throws DataDirException {
        String ref = v.snapshotOf();
        int at = ref.lastIndexOf('@');
        try {
            Pool pool = volumes.enginePool().get();
            SnapshotInfo s = pool.snapshot(ref.substring(0, at), ref.substring(at + 1));
            if (s == null) {
                throw new DataDirException("'" + v.name() + "' exports snapshot " + ref + ", which no longer exists");
            }
            return pool.snapshotStore(s.id());
        } catch (IOException | IllegalArgumentException e) {
            throw new DataDirException("cannot export snapshot " + ref + " as " + v.name() + ": " + e.getMessage(), e);
        }
    }

    private VolumeMetadata engineVolume(String volume) throws VolumeException {
        VolumeMetadata v = volumes.find(volume).metadata();
        if (v.isSnapshotExport()) {
            throw VolumeException.unsupported("'" + v.name() + "' exports a snapshot read-only; it has no snapshots");
        }
        if (v.backend() != Backend.ENGINE) {
            throw VolumeException.unsupported("volume '" + v.name() + "' uses the " + v.backend().label()
                    + " backend; snapshots need backend engine");
        }
        return v;
    }

    private SnapshotInfo require(VolumeMetadata v, String name) throws VolumeException {
        try {
            SnapshotInfo s = pool().snapshot(key(v), name);
            if (s == null) {
                throw VolumeException.notFound("volume '" + v.name() + "' has no snapshot '" + name + "'");
            }
            return s;
        } catch (IOException | IllegalArgumentException e) {
            throw failure("cannot look up " + v.name() + "@" + name, e);
        }
    }

    private static void requireName(String name) throws VolumeException {
        try {
            VolumeSpec.requireValidName(name);
        } catch (ConfigException e) {
            throw VolumeException.invalid(e.getMessage().replace("volume name", "snapshot name"));
        }
    }

    private Pool pool() throws VolumeException {
        EnginePool engine = volumes.enginePool();
        if (engine == null) {
            throw VolumeException.unsupported("this brick has no engine pool");
        }
        try {
            return engine.get();
        } catch (IOException e) {
            throw VolumeException.internal(e.getMessage());
        }
    }

    private static String key(VolumeMetadata v) {
        return v.uuid().toString();
    }

    private static VolumeException failure(String what, Exception e) {
        return e instanceof IllegalArgumentException
                ? VolumeException.invalid(what + ": " + e.getMessage())
                : VolumeException.internal(what + ": " + e.getMessage());
    }
}
