package io.basalt.server.volume;

import io.basalt.block.BlockStore;
import io.basalt.control.HostList;
import io.basalt.units.Sizes;
import io.basalt.volume.chain.StoreChain;
import io.basalt.volume.qos.QosLimits;
import io.basalt.control.volume.*;
import io.basalt.nvmet.subsystem.Subsystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Changes volumes while the brick runs: create, resize, rename, re-mask, relabel, limit, delete.
 * Every change is first written to the data dir (so it survives a restart), then applied to the
 * live {@link Subsystem}, which tells the connected hosts concerned by a Namespace Attribute Changed
 * event. Management-plane only: methods are synchronized, the data path never calls in here.
 */
public final class VolumeManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeManager.class);

    private final VolumeCatalog catalog;
    private final QosPolicyStore policies;
    private final VolumeExporter exporter;
    /** How each backend keeps its volumes' blocks; snapshot exports have theirs. */
    private final Map<Backend, VolumeBackend> backends;
    private final VolumeBackend snapshotExports;
    private final VolumeListener listener;
    private final OvercommitWatch overcommits;
    private final QosPolicyEdits policyEdits;
    private final Map<String, Volume> online = new LinkedHashMap<>();
    private final EnginePool engine;
    private boolean closed;
    /** The manager as Snapshots sees it (see {@link SnapshotsAccess}). */
    private final ManagedVolumes forSnapshots;

    /**
     * @param engine the pool {@code backend=engine} volumes live in (closed with the manager); null: none
     * @param chain  what stands between each volume's namespace and its local store
     */
    public VolumeManager(VolumeCatalog catalog, QosPolicyStore policies, Subsystem subsystem, VolumeListener listener,
                         EnginePool engine, StoreChain chain) {
        this.engine = engine;
        this.catalog = Objects.requireNonNull(catalog);
        this.policies = Objects.requireNonNull(policies);
        this.exporter = new VolumeExporter(Objects.requireNonNull(subsystem), policies, Objects.requireNonNull(chain));
        this.policyEdits = new QosPolicyEdits(policies, catalog, exporter);
        this.listener = listener == null ? (t, v, m) -> { } : listener;
        this.backends = Map.of(Backend.FILE, new FileBackend(catalog), Backend.RAM, new RamBackend(),
                Backend.ENGINE, new EngineBackend(engine, PoolOwnership.of(catalog, this.listener)));
        this.forSnapshots = new SnapshotsAccess(this, catalog, this.listener);
        this.snapshotExports = new SnapshotExportBackend(snapshots());
        this.overcommits = new OvercommitWatch(catalog, v -> backendOf(v).inPool(), engine, this.listener);
    }

    public Subsystem subsystem() {
        return exporter.subsystem();
    }

    /** Exports a volume the catalog already holds (brick start). */
    public synchronized void export(VolumeMetadata v) throws DataDirException {
        BlockStore store = backendOf(v).open(v);
        var ns = exporter.namespace(v, store);
        online.put(v.name(), new Volume(v, VolumeState.ONLINE, store, ns));
        exporter.add(ns);
    }

    private VolumeBackend backendOf(VolumeMetadata v) {
        return v.isSnapshotExport() ? snapshotExports : backends.get(v.backend());
    }

    /** The engine pool holder, or null when the brick has none. */
    public EnginePool enginePool() {
        return engine;
    }

    /** The sizes of the volumes in the engine pool (read-only snapshot exports have no space of their own). */
    public synchronized long engineProvisionedBytes() {
        return overcommits.provisionedBytes();
    }

    /** The engine pool's over-commit now. */
    public synchronized Overcommit overcommit() {
        return overcommits.now();
    }

    /** See {@link OvercommitWatch#noteAtStart}. */
    public synchronized void noteOvercommitAtStart() {
        overcommits.noteAtStart();
    }

    // ---- queries -----------------------------------------------------------------------------

    /** Every volume in the data dir, online ones in NSID order first. */
    public synchronized List<Volume> list() {
        List<Volume> out = new ArrayList<>();
        for (VolumeMetadata v : catalog.all()) {
            out.add(live(v));
        }
        out.sort(Comparator.comparingInt(v -> v.metadata().nsid()));
        return out;
    }

    /** The exported volumes, in NSID order. */
    public synchronized List<Volume> online() {
        return online.values().stream().sorted(Comparator.comparingInt(v -> v.metadata().nsid())).toList();
    }

    public synchronized Volume get(String name) throws VolumeException {
        VolumeMetadata v = catalog.get(name);
        if (v == null) {
            throw VolumeException.notFound("no volume named '" + name + "'");
        }
        return live(v);
    }

    private Volume live(VolumeMetadata v) {
        Volume live = online.get(v.name());
        return live != null ? live : new Volume(v, VolumeState.OFFLINE, null, null);
    }

    /** Finds a volume by name or UUID. */
    public synchronized Volume find(String nameOrUuid) throws VolumeException {
        VolumeMetadata byUuid = catalog.get(nameOrUuid) == null ? catalog.withUuid(nameOrUuid) : null;
        return get(byUuid != null ? byUuid.name() : nameOrUuid);
    }

    // ---- create and delete -------------------------------------------------------------------

    /**
     * Creates and exports a volume. Idempotent: if a volume of that name exists with the same spec,
     * returns it with {@code created == false}; with another spec, throws CONFLICT.
     */
    public synchronized Created create(CreateRequest r) throws VolumeException {
        requireOpen();
        if (r.fromSnapshot() != null) {
            return r.readOnly() ? snapshots().export(r) : snapshots().cloneVolume(r);
        }
        if (r.readOnly()) {
            throw VolumeException.invalid("only a snapshot can be exported read-only (give fromSnapshot)");
        }
        VolumeSpec spec = VolumeRequests.spec(r);
        backends.get(spec.backend()).checkCreate(spec);
        Map<String, String> labels = VolumeRequests.validLabels(r.labels());
        policyEdits.requireKnown(r.qosPolicy());
        // The NSID comes after the idempotency check: a retried create must not use up NSIDs.
        VolumeMetadata wanted = new VolumeMetadata(spec.name(), VolumeMetadata.NO_NSID_YET, UUID.randomUUID(),
                spec.sizeBytes(), spec.blockSize(), spec.backend(), spec.hosts(), catalog.newDataFile(spec.name()),
                new TreeMap<>(labels), r.qosPolicy(), true, System.currentTimeMillis(), spec.services(), null, null);
        Created same = existingAlike(wanted);
        if (same != null) {
            return same;
        }
        VolumeMetadata v = wanted.withNsid(allocateNsid());
        Overcommit before = backendOf(v).inPool() ? overcommit() : null;
        saveAndExport(v, () -> { });
        LOG.info("Created volume {}: NSID {}, UUID {}, {}, hosts={}", v.name(), v.nsid(), v.uuid(),
                Sizes.format(v.sizeBytes()), Hosts.format(v.hosts()));
        listener.volumeEvent("volume.created", v.name(), "created " + Sizes.format(v.sizeBytes()) + ", NSID "
                + v.nsid());
        if (before != null) {
            overcommits.noteCrossing(before, v.name());
        }
        return new Created(online.get(v.name()), true);
    }

    /**
     * For a create of {@code wanted}: null when no volume has its name; the volume (created false)
     * when it is as {@code wanted} describes; otherwise CONFLICT, naming what differs.
     */
    synchronized Created existingAlike(VolumeMetadata wanted) throws VolumeException {
        VolumeMetadata existing = catalog.get(wanted.name());
        if (existing == null) {
            return null;
        }
        String differences = RepeatedCreate.differences(existing, wanted, catalog::nameOf);
        if (differences != null) {
            throw VolumeException.conflict("volume '" + wanted.name() + "' already exists with a different spec: "
                    + differences);
        }
        return new Created(get(existing.name()), false);
    }

    /**
     * Records and exports a volume whose pool image exists or is made on export (a clone, a replica
     * placed here: {@code how} says which); undoes the pool image if that fails.
     */
    public synchronized Created adopt(VolumeMetadata v, String how) throws VolumeException {
        Overcommit before = overcommit();
        saveAndExport(v, () -> backendOf(v).delete(v));
        LOG.info("Created volume {} ({}): NSID {}, UUID {}, {}", v.name(), how, v.nsid(), v.uuid(),
                Sizes.format(v.sizeBytes()));
        listener.volumeEvent("volume.created", v.name(), how + ", " + Sizes.format(v.sizeBytes()) + ", NSID "
                + v.nsid());
        overcommits.noteCrossing(before, v.name());
        return new Created(online.get(v.name()), true);
    }

    /** Records and exports a read-only snapshot export (no pool image of its own). */
    synchronized Created adoptExport(VolumeMetadata v) throws VolumeException {
        saveAndExport(v, () -> { });
        LOG.info("Exported snapshot {} read-only as {}: NSID {}", v.snapshotOf(), v.name(), v.nsid());
        listener.volumeEvent("snapshot.exported", v.name(), "read-only export of a snapshot, NSID " + v.nsid());
        return new Created(online.get(v.name()), true);
    }

    /** Saves a new volume's metadata and exports it; on failure removes both and runs {@code undo}. */
    private void saveAndExport(VolumeMetadata v, Runnable undo) throws VolumeException {
        if (v.nsid() < 1 || v.nsid() > exporter.maxNamespaces()) {
            undo.run();
            throw VolumeException.conflict("the brick already has " + exporter.maxNamespaces() + " volumes");
        }
        save(v);
        try {
            export(v);
        } catch (DataDirException | RuntimeException e) {
            try {
                catalog.delete(v.name());
            } catch (DataDirException ignored) {
                // Reported below; the metadata file may stay, and the next start names it.
            }
            undo.run();
            throw VolumeException.internal("cannot create volume " + v.name() + ": " + e.getMessage());
        }
    }

    /**
     * An NSID for a new volume, not one a deleted volume had lately; {@code NsidAllocator.NONE} when
     * all are taken (the export then refuses the volume).
     */
    synchronized int allocateNsid() throws VolumeException {
        try {
            return catalog.allocateNsid();
        } catch (DataDirException e) {
            throw VolumeException.internal(e.getMessage());
        }
    }

    /** Snapshot operations on this manager's volumes. */
    public Snapshots snapshots() {
        return new Snapshots(forSnapshots);
    }

    /** Tells hosts that can see the volume that its contents or size changed under them (rollback). */
    synchronized Volume contentsReplaced(String name, long newSize, String message) throws VolumeException {
        Volume v = get(name);
        VolumeMetadata m = v.metadata();
        VolumeMetadata after = m.sizeBytes() == newSize ? m : m.withSizeAndHosts(newSize, m.hosts());
        if (after != m) {
            save(after);
        }
        Volume now = replace(v, after);
        if (now.namespace() != null) {
            exporter.changed(now.namespace(), after);
        }
        listener.volumeEvent("volume.rolled-back", name, message);
        return now;
    }

    /** Stops exporting the volume (hosts are told it is gone), then deletes its metadata and data. */
    public synchronized void delete(String name) throws VolumeException {
        delete(name, false);
    }

    /**
     * As {@link #delete(String)}; a volume with snapshots is refused unless {@code withSnapshots}, which
     * deletes them first (clones made from them keep every block they share).
     */
    public synchronized void delete(String name, boolean withSnapshots) throws VolumeException {
        requireOpen();
        Volume v = get(name);
        VolumeBackend backend = backendOf(v.metadata());
        if (backend.hasSnapshots()) {
            Snapshots snapshots = snapshots();
            int n = snapshots.list(name).size();
            if (n > 0 && !withSnapshots) {
                throw VolumeException.conflict("volume '" + name + "' has " + n + " snapshot(s); delete them first, "
                        + "or delete the volume with its snapshots");
            }
            snapshots.deleteAll(name);
        }
        if (v.state() == VolumeState.ONLINE) {
            exporter.remove(v.metadata());
            v.store().close();
            online.remove(name);
        }
        // Record first, image second: a crash between leaves an image PoolOwnership frees, never a revenant.
        try {
            catalog.delete(name);
        } catch (DataDirException e) {
            throw VolumeException.internal(e.getMessage());
        }
        backend.delete(v.metadata());
        LOG.info("Deleted volume {} (NSID {})", name, v.metadata().nsid());
        listener.volumeEvent("volume.deleted", name, "deleted");
    }

    // ---- updates -----------------------------------------------------------------------------

    /** Grows the volume; shrinking needs {@code force} and a backend that can shrink (none yet can). */
    public synchronized Volume resize(String name, long newSize, boolean force) throws VolumeException {
        requireOpen();
        Volume v = get(name);
        VolumeMetadata m = v.metadata();
        VolumeBackend backend = backendOf(m);
        if (!VolumeRequests.requireGrowth(m, newSize, force, backend.canGrow())) {
            return v;
        }
        Overcommit before = backend.inPool() ? overcommit() : null;
        if (v.state() == VolumeState.ONLINE) {
            try {
                backend.grow(m, v.store(), newSize);
            } catch (IOException e) {
                throw VolumeException.internal("cannot grow " + name + ": " + e.getMessage());
            }
        }
        VolumeMetadata grown = m.withSizeAndHosts(newSize, m.hosts());
        save(grown);
        Volume after = replace(v, grown);
        if (after.namespace() != null) {
            exporter.changed(after.namespace(), grown);
        }
        LOG.info("Grew volume {} from {} to {}", name, Sizes.format(m.sizeBytes()), Sizes.format(newSize));
        listener.volumeEvent("volume.resized", name, "grew from " + Sizes.format(m.sizeBytes()) + " to "
                + Sizes.format(newSize));
        if (before != null) {
            overcommits.noteCrossing(before, name);
        }
        return after;
    }

    public synchronized Volume rename(String name, String newName) throws VolumeException {
        requireOpen();
        Volume v = get(name);
        if (name.equals(newName)) {
            return v;
        }
        VolumeRequests.requireValidName(newName);
        if (catalog.get(newName) != null) {
            throw VolumeException.conflict("a volume named '" + newName + "' already exists");
        }
        VolumeMetadata renamed = v.metadata().withName(newName);
        try {
            catalog.rename(name, renamed);
        } catch (DataDirException e) {
            throw VolumeException.internal(e.getMessage());
        }
        Volume after = new Volume(renamed, v.state(), v.store(), v.namespace());
        if (v.state() == VolumeState.ONLINE) {
            online.remove(name);
            online.put(newName, after);
            exporter.rename(v.namespace(), newName);
        }
        listener.volumeEvent("volume.renamed", newName, "renamed from " + name);
        return after;
    }

    /** Replaces the access list; hosts that gain or lose the namespace are told. */
    public synchronized Volume setHosts(String name, HostList hosts) throws VolumeException {
        requireOpen();
        Volume v = get(name);
        VolumeMetadata m = v.metadata().withSizeAndHosts(v.metadata().sizeBytes(), hosts);
        if (hosts.equals(v.metadata().hosts())) {
            return v;
        }
        save(m);
        Volume after = replace(v, m);
        if (v.state() == VolumeState.ONLINE) {
            exporter.setAccess(m.nsid(), hosts);
        }
        listener.volumeEvent("volume.hosts-changed", name, "hosts=" + Hosts.format(hosts));
        return after;
    }

    /** Lets one more host see the volume. A volume open to any host stays so. */
    public synchronized Volume allowHost(String name, String hostNqn) throws VolumeException {
        VolumeRequests.requireNqn(hostNqn);
        Volume v = get(name);
        HostList h = v.metadata().hosts();
        if (h.isAny() || h.allows(hostNqn)) {
            return v;
        }
        return setHosts(name, VolumeRequests.with(h, hostNqn));
    }

    /** Hides the volume from a host. Refused for a volume open to any host: list its hosts first. */
    public synchronized Volume revokeHost(String name, String hostNqn) throws VolumeException {
        VolumeRequests.requireNqn(hostNqn);
        Volume v = get(name);
        HostList h = v.metadata().hosts();
        if (h.isAny()) {
            throw VolumeException.conflict("volume '" + name + "' is open to any host; set an explicit host list "
                    + "instead of revoking one host");
        }
        if (!h.allows(hostNqn)) {
            return v;
        }
        return setHosts(name, VolumeRequests.without(h, hostNqn));
    }

    public synchronized Volume setLabels(String name, Map<String, String> labels) throws VolumeException {
        requireOpen();
        Volume v = get(name);
        Map<String, String> valid = VolumeRequests.validLabels(labels);
        if (valid.equals(v.metadata().labels())) {
            return v;
        }
        VolumeMetadata m = v.metadata().withLabels(valid);
        save(m);
        return replace(v, m);
    }

    /** Puts the volume under a QoS policy (null: unlimited); applies at once to the data path. */
    public synchronized Volume setQosPolicy(String name, String policy) throws VolumeException {
        requireOpen();
        Volume v = get(name);
        policyEdits.requireKnown(policy);
        if (Objects.equals(policy, v.metadata().qosPolicy())) {
            return v;
        }
        VolumeMetadata m = v.metadata().withQosPolicy(policy);
        save(m);
        Volume after = replace(v, m);
        if (after.namespace() != null) {
            exporter.applyQos(after.namespace(), m);
        }
        listener.volumeEvent("volume.qos-changed", name, policy == null ? "QoS removed" : "QoS policy " + policy);
        return after;
    }

    // ---- QoS policies ------------------------------------------------------------------------

    public synchronized List<QosPolicyStore.Policy> policies() {
        return policies.all();
    }

    public synchronized QosLimits policy(String name) throws VolumeException {
        return policyEdits.get(name);
    }

    /** Creates or replaces a policy; volumes under it take the new limits at once. Returns true if created. */
    public synchronized boolean putPolicy(String name, QosLimits limits) throws VolumeException {
        requireOpen();
        return policyEdits.put(name, limits, online.values());
    }

    public synchronized void deletePolicy(String name) throws VolumeException {
        requireOpen();
        policyEdits.delete(name);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private Volume replace(Volume v, VolumeMetadata m) {
        Volume after = new Volume(m, v.state(), v.store(), v.namespace());
        if (v.state() == VolumeState.ONLINE) {
            online.put(m.name(), after);
        }
        return after;
    }

    private void save(VolumeMetadata v) throws VolumeException {
        try {
            catalog.save(v);
        } catch (DataDirException e) {
            throw VolumeException.internal(e.getMessage());
        }
    }

    private void requireOpen() throws VolumeException {
        if (closed) {
            throw VolumeException.unsupported("the brick is stopping");
        }
    }

    /** Closes every store (after the target has stopped). Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Volume v : online.values()) {
            exporter.unexported(v.metadata());
            v.store().close();
        }
        online.clear();
        if (engine != null) {
            engine.close();
        }
    }
}
