package io.basalt.server.cluster;

import io.basalt.api.model.BrickView;
import io.basalt.api.model.ClusterView;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.topology.BrickDirectory;
import io.basalt.control.topology.BrickRecord;
import io.basalt.control.topology.BrickState;
import io.basalt.control.topology.ClusterIdentity;
import io.basalt.control.volume.ClusterVolume;
import io.basalt.control.volume.ClusterVolumes;
import io.basalt.control.volume.VolumeException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The cluster as the API shows it: its identity, its members and their states, who leads. Read
 * from the metadata store on every call, so any brick answers for the whole cluster.
 */
public final class ClusterStatus {
    private final MetadataStore store;
    private final ClusterIdentity identity;
    private final String thisBrick;
    private final List<String> endpoints;
    private final Supplier<Optional<String>> leader;
    private final ClusterVolumes volumes;

    public ClusterStatus(MetadataStore store, ClusterIdentity identity, String thisBrick, List<String> endpoints,
                         Supplier<Optional<String>> leader, ClusterVolumes volumes) {
        this.store = store;
        this.identity = identity;
        this.thisBrick = thisBrick;
        this.endpoints = List.copyOf(endpoints);
        this.leader = leader;
        this.volumes = volumes;
    }

    public MetadataStore store() {
        return store;
    }

    public String thisBrick() {
        return thisBrick;
    }

    /** The members, read now. */
    public List<BrickDirectory.Member> members() throws VolumeException {
        try {
            return new BrickDirectory(store).members();
        } catch (MetadataStoreException e) {
            throw ClusterVolumes.unavailable(e);
        }
    }

    /** The state a member is in now: a record that says active but has no heartbeat is unreachable. */
    public static BrickState stateOf(BrickDirectory.Member m) {
        return m.state();
    }

    public ClusterView view() throws VolumeException {
        int[] counts = new int[BrickState.values().length];
        members().forEach(m -> counts[stateOf(m).ordinal()]++);
        return new ClusterView("etcd", identity.subsystemNqn(), leader.get().orElse(null), thisBrick, metadataHealth(),
                endpoints, new ClusterView.Counts(counts[0], counts[1], counts[2]), volumes.list().size());
    }

    public List<BrickView> bricks() throws VolumeException {
        List<ClusterVolume> all = volumes.list();
        String leads = leader.get().orElse(null);
        List<BrickView> out = new ArrayList<>();
        for (BrickDirectory.Member m : members()) {
            out.add(view(m, all, leads));
        }
        return out;
    }

    public BrickView brick(String name) throws VolumeException {
        for (BrickDirectory.Member m : members()) {
            if (m.name().equals(name)) {
                return view(m, volumes.list(), leader.get().orElse(null));
            }
        }
        throw VolumeException.notFound("no brick '" + name + "' in the cluster");
    }

    private static BrickView view(BrickDirectory.Member m, List<ClusterVolume> all, String leader) {
        BrickRecord r = m.record();
        List<String> held = all.stream().filter(v -> v.replicas().holds(r.name())).map(ClusterVolume::name).toList();
        int primaries = (int) all.stream().filter(v -> v.replicas().primary().equals(r.name())).count();
        BrickState state = stateOf(m);
        long since = state == r.state() ? r.stateSinceMillis() : 0;
        Map<String, String> domains = new TreeMap<>(r.failureDomains());
        return new BrickView(r.name(), state.label(), since == 0 ? null : Instant.ofEpochMilli(since).toString(),
                r.nvmeAddress(), r.apiAddress(), domains, r.slot(), r.capacityBytes(), r.freeBytes(),
                r.name().equals(leader), primaries, held.size(), held);
    }

    /**
     * Forgets a member gone for good: its record and its slot. Refused while it heartbeats (stop it
     * first) or while a volume has a replica on it (delete or move the volume first).
     */
    public void remove(String name) throws VolumeException {
        BrickDirectory.Member m = members().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> VolumeException.notFound("no brick '" + name + "' in the cluster"));
        if (m.alive()) {
            throw VolumeException.conflict("brick " + name + " is active; stop it before removing it");
        }
        List<String> held = volumes.list().stream().filter(v -> v.replicas().holds(name)).map(ClusterVolume::name)
                .toList();
        if (!held.isEmpty()) {
            throw VolumeException.conflict("brick " + name + " holds replicas of " + held
                    + "; delete those volumes (or move them, once replication can) first");
        }
        try {
            store.delete(io.basalt.control.MetadataKeys.brick(name), MetadataStore.ANY);
            store.delete(io.basalt.control.MetadataKeys.brickSlot(m.record().slot()), MetadataStore.ANY);
        } catch (MetadataStoreException e) {
            throw ClusterVolumes.unavailable(e);
        }
    }

    /** {@code ok}, or why the metadata store cannot be read. */
    public String metadataHealth() {
        try {
            store.get(io.basalt.control.MetadataKeys.CLUSTER);
            return "ok";
        } catch (MetadataStoreException e) {
            return "unreachable: " + e.getMessage();
        }
    }
}
