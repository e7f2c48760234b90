package io.basalt.control.agent;

import io.basalt.control.Listing;
import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.Watch;
import io.basalt.control.cluster.Lease;
import io.basalt.control.topology.BrickDirectory;
import io.basalt.control.topology.BrickState;
import io.basalt.control.volume.VolumeException;
import io.basalt.control.volume.ClusterVolume;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The brick agent: makes this brick hold and export what the cluster's records place on it.
 *
 * <p>It reconciles as a whole rather than replaying events: on every change it hears of (one watch
 * on the whole store, so changes arrive in the store's order) and every few seconds anyway, it reads
 * the QoS policies, the volumes and the members, and makes the local side match — policies mirrored
 * into the brick's own store, volumes placed here created, grown and re-masked, volumes no longer
 * placed here deleted, each volume's ANA state set from who its primary is. A missed or reordered
 * event can thus never leave the brick wrong for longer than one period, and when the store cannot
 * be reached nothing local changes: hosts keep their I/O.
 *
 * <p>It reaches the brick only through {@link LocalVolumes}, {@link LocalPolicies},
 * {@link BrickDuties} and {@link ServingAuthority}, which the daemon implements.
 *
 * @param <V> the daemon's volume, handed back to it unopened
 */
public final class VolumeAgent<V extends LocalVolume> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeAgent.class);
    /** How often the agent reconciles with no change heard (and re-arms a watch that failed). */
    public static final long RESYNC_MILLIS = 5_000;

    private final String brick;
    private final MetadataStore cluster;
    private final PlacedVolumes<V> volumes;
    private final LocalVolumes<V> local;
    private final LocalPolicies policies;
    private final BrickDuties<V> duties;
    private final ServingAuthority authority;
    /** The local volumes this brick is the primary of, as of the last reconcile. */
    private volatile List<V> primaries = List.of();
    private volatile boolean authorityWas;
    /** The UUID of each local volume as last exported, to tell new exports from ones already announced. */
    private final Map<String, UUID> announced = new HashMap<>();
    private volatile int[] brickCounts = new int[BrickState.values().length];
    private final ScheduledExecutorService thread;
    private final ScheduledExecutorService authorityThread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "basalt-authority-watch");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicLong reconciled = new AtomicLong();
    private volatile Watch watch;
    private volatile String lastFailure;
    private volatile boolean closed;

    /**
     * @param brick   this brick's name in the cluster's records
     * @param cluster the cluster's metadata store
     */
    public VolumeAgent(String brick, MetadataStore cluster, LocalVolumes<V> local, LocalPolicies policies,
                       BrickDuties<V> duties, ServingAuthority authority) {
        this.authority = authority;
        this.duties = duties;
        this.brick = Objects.requireNonNull(brick);
        this.cluster = cluster;
        this.local = local;
        this.policies = policies;
        this.volumes = new PlacedVolumes<>(local);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "basalt-volume-agent");
            t.setDaemon(true);
            return t;
        });
    }

    /** Reconciles once now (so a starting brick exports its volumes before it serves), then keeps at it. */
    public void start() {
        reconcile();
        thread.scheduleWithFixedDelay(this::reconcile, RESYNC_MILLIS, RESYNC_MILLIS, TimeUnit.MILLISECONDS);
        // Its own thread: a reconcile can wait seconds on an unreachable etcd, which is exactly when this must act.
        authorityThread.scheduleWithFixedDelay(this::watchAuthority, AUTHORITY_CHECK_MILLIS, AUTHORITY_CHECK_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** How often the agent checks this brick's authority to serve its primaries (see {@link ServingAuthority}). */
    static final long AUTHORITY_CHECK_MILLIS = 100;

    /**
     * When the brick's authority lapses (etcd out of reach past the lease's margin) its primaries'
     * paths turn inaccessible at once, without waiting for etcd, so hosts stop sending here and queue
     * or move their I/O; when it returns, a reconcile makes them optimized again where the records
     * still say so.
     */
    private void watchAuthority() {
        boolean now = authority.valid();
        if (now == authorityWas) {
            return;
        }
        authorityWas = now;
        if (now) {
            poke();
        } else {
            LOG.warn("Volume agent: this brick's cluster lease is no longer certain; its {} primary path(s) are "
                    + "inaccessible until it is", primaries.size());
            primaries.forEach(v -> local.pathState(v, false));
        }
    }

    /** Asks for a reconcile soon; many asks while one is pending make one. */
    public void poke() {
        if (pending.compareAndSet(false, true)) {
            thread.execute(() -> {
                pending.set(false);
                reconcile();
            });
        }
    }

    /** How many reconciles completed; tests wait on it. */
    public long reconciles() {
        return reconciled.get();
    }

    /** The cluster's bricks by state ({@link BrickState} order) as the last reconcile saw them. */
    public int[] brickCounts() {
        return brickCounts.clone();
    }

    /** Why the last reconcile failed, or null when it succeeded. */
    public String lastFailure() {
        return lastFailure;
    }

    private synchronized void reconcile() {
        try {
            Lease lease = authority.beginReconcile();
            Listing policies = cluster.list(MetadataKeys.QOS_POLICIES);
            mirrorPolicies(policies);
            Listing records = cluster.list(MetadataKeys.VOLUMES);
            List<BrickDirectory.Member> members = new BrickDirectory(cluster).members();
            duties.applied(applyVolumes(records, members));
            // Records read under this lease: the brick may act as primary for as long as it holds it.
            authority.confirm(lease);
            boolean serving = authority.valid();
            authorityWas = serving;
            primaries.forEach(v -> local.pathState(v, serving));
            local.members(members);
            int[] counts = new int[BrickState.values().length];
            members.forEach(m -> counts[m.state().ordinal()]++);
            brickCounts = counts;
            deleteUnwantedPolicies(policies);
            ensureWatch(Math.max(policies.revision(), records.revision()));
            if (lastFailure != null) {
                LOG.info("Volume agent: the cluster's metadata is reachable again");
            }
            lastFailure = null;
            reconciled.incrementAndGet();
        } catch (MetadataStoreException | RuntimeException e) {
            if (closed) {
                return;
            }
            if (!Objects.equals(lastFailure, e.getMessage())) {
                LOG.warn("Volume agent: cannot reconcile with the cluster (local volumes keep serving): {}",
                        e.getMessage());
            }
            lastFailure = String.valueOf(e.getMessage());
            closeWatch();
        }
    }

    private void mirrorPolicies(Listing policies) {
        for (MetadataEntry e : policies.entries()) {
            String name = MetadataKeys.name(e.key());
            try {
                this.policies.takePolicy(name);
            } catch (VolumeException x) {
                LOG.warn("Volume agent: cannot take QoS policy {}: {}", name, x.getMessage());
            }
        }
    }

    /** After volumes stopped using them: local policies the cluster no longer has. */
    private void deleteUnwantedPolicies(Listing policies) {
        Set<String> wanted = new HashSet<>();
        policies.entries().forEach(e -> wanted.add(MetadataKeys.name(e.key())));
        for (String name : this.policies.policyNames()) {
            if (!wanted.contains(name)) {
                try {
                    this.policies.deletePolicy(name);
                } catch (VolumeException x) {
                    LOG.debug("Volume agent: local QoS policy {} stays: {}", name, x.getMessage());
                }
            }
        }
    }

    /** @return the volumes placed on this brick, by name */
    private Map<String, ClusterVolume> applyVolumes(Listing records, List<BrickDirectory.Member> members) {
        Map<String, ClusterVolume> placedHere = new HashMap<>();
        for (MetadataEntry e : records.entries()) {
            try {
                ClusterVolume v = ClusterVolume.of(e);
                if (v.replicas().holds(brick)) {
                    placedHere.put(v.name(), v);
                }
            } catch (IllegalArgumentException x) {
                LOG.warn("Volume agent: skipping damaged record {}: {}", e.key(), x.getMessage());
            }
        }
        for (String name : volumes.names()) {
            ClusterVolume want = placedHere.get(name);
            if (want == null || !want.spec().uuid().equals(volumes.local(name).metadata().uuid())) {
                remove(name);
            }
        }
        Map<String, BrickDirectory.Member> byName = new HashMap<>();
        members.forEach(m -> byName.put(m.name(), m));
        List<V> primaryHere = new ArrayList<>();
        for (ClusterVolume v : placedHere.values()) {
            try {
                V here = volumes.realize(v.spec());
                duties.placed(v, byName);
                if (brick.equals(v.replicas().primary())) {
                    primaryHere.add(here);
                } else {
                    local.pathState(here, false);
                }
                if (!here.metadata().uuid().equals(announced.put(v.name(), here.metadata().uuid()))) {
                    duties.exported(here);
                }
            } catch (VolumeException | RuntimeException x) {
                LOG.warn("Volume agent: cannot carry out volume {} here: {}", v.name(), x.getMessage());
            }
        }
        primaries = List.copyOf(primaryHere);
        return placedHere;
    }

    private void remove(String name) {
        try {
            V gone = volumes.local(name);
            if (volumes.remove(name)) {
                announced.remove(name);
                if (gone != null) {
                    duties.removed(gone.metadata().nsid());
                }
                LOG.info("Volume agent: deleted volume {}: the cluster no longer places it on {}", name, brick);
            }
        } catch (VolumeException x) {
            LOG.warn("Volume agent: cannot delete volume {}: {}", name, x.getMessage());
        }
    }

    private void ensureWatch(long afterRevision) throws MetadataStoreException {
        if (watch == null) {
            watch = cluster.watch("", afterRevision, event -> {
                String key = event.key();
                if (key.startsWith(MetadataKeys.VOLUMES) || key.startsWith(MetadataKeys.QOS_POLICIES)
                        || key.startsWith(MetadataKeys.SNAPSHOTS)
                        || key.startsWith(MetadataKeys.BRICKS) || key.startsWith(MetadataKeys.ALIVE)) {
                    poke();
                }
            });
        }
    }

    private void closeWatch() {
        Watch w = watch;
        watch = null;
        if (w != null) {
            w.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        authorityThread.shutdownNow();
        thread.shutdownNow();
        closeWatch();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
