package io.basalt.server.cluster;

import io.basalt.control.HostList;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.agent.BrickDuties;
import io.basalt.control.agent.LocalPolicies;
import io.basalt.control.agent.LocalVolumes;
import io.basalt.control.agent.VolumeAgent;
import io.basalt.control.topology.BrickDirectory;
import io.basalt.control.volume.ClusterVolume;
import io.basalt.control.volume.VolumeException;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.volume.qos.QosLimits;
import io.basalt.server.volume.QosPolicyStore;
import io.basalt.server.volume.Volume;
import io.basalt.server.volume.VolumeManager;

import java.util.List;
import java.util.Map;

/**
 * This brick as the control plane's {@link VolumeAgent} drives it: its volume manager, its
 * subsystem's paths, its copy of the QoS policies, and the work the daemon adds to a reconcile
 * (replication, the primary's snapshots, metrics). Each method carries out one change the agent
 * decided on.
 */
public final class LocalBrick implements LocalVolumes<Volume>, LocalPolicies, BrickDuties<Volume> {
    private final MetadataStore cluster;
    private final VolumeManager manager;
    private final PathStates paths;
    private final Listener listener;
    private final VolumeReplication replication;
    private final PrimarySnapshots snapshots;

    /** Hears of the volumes the agent exports and removes (for their metrics). */
    public interface Listener {
        void exported(Volume v);

        void removed(int nsid);
    }

    private LocalBrick(String brick, MetadataStore cluster, VolumeManager manager, PathStates paths,
                       Listener listener, VolumeReplication replication) {
        this.cluster = cluster;
        this.manager = manager;
        this.paths = paths;
        this.listener = listener;
        this.replication = replication;
        this.snapshots = new PrimarySnapshots(brick, cluster, manager);
    }

    /** The agent that makes this brick hold and export what the cluster's records place on it. */
    public static VolumeAgent<Volume> agent(String brick, MetadataStore cluster, VolumeManager manager,
                                            PathStates paths, Listener listener, VolumeReplication replication,
                                            LeaseAuthority authority) {
        LocalBrick local = new LocalBrick(brick, cluster, manager, paths, listener, replication);
        return new VolumeAgent<>(brick, cluster, local, local, local, authority);
    }

    @Override
    public List<Volume> list() {
        return manager.list();
    }

    @Override
    public Volume get(String name) {
        try {
            return manager.get(name);
        } catch (VolumeException e) {
            return null;
        }
    }

    @Override
    public Volume create(VolumeMetadata wanted) throws VolumeException {
        return manager.adopt(wanted, "placed on this brick").volume();
    }

    @Override
    public Volume rename(String name, String newName) throws VolumeException {
        return manager.rename(name, newName);
    }

    @Override
    public Volume grow(String name, long newSize) throws VolumeException {
        return manager.resize(name, newSize, false);
    }

    @Override
    public Volume setHosts(String name, HostList hosts) throws VolumeException {
        return manager.setHosts(name, hosts);
    }

    @Override
    public Volume setQosPolicy(String name, String policy) throws VolumeException {
        return manager.setQosPolicy(name, policy);
    }

    @Override
    public Volume setLabels(String name, Map<String, String> labels) throws VolumeException {
        return manager.setLabels(name, labels);
    }

    @Override
    public void delete(String name) throws VolumeException {
        manager.delete(name, true);
    }

    @Override
    public void pathState(Volume local, boolean primary) {
        paths.volumeState(local, primary);
    }

    @Override
    public void members(List<BrickDirectory.Member> members) {
        paths.members(members);
    }

    @Override
    public List<String> policyNames() {
        return manager.policies().stream().map(QosPolicyStore.Policy::name).toList();
    }

    /** Reads the cluster's record afresh: a damaged one fails the reconcile, as it would fail every brick. */
    @Override
    public void takePolicy(String name) throws VolumeException {
        QosLimits limits = QosPolicyStore.view(cluster).get(name);
        QosLimits mine = manager.policies().stream().filter(p -> p.name().equals(name))
                .map(QosPolicyStore.Policy::limits).findFirst().orElse(null);
        if (limits != null && !limits.equals(mine)) {
            manager.putPolicy(name, limits);
        }
    }

    @Override
    public void deletePolicy(String name) throws VolumeException {
        manager.deletePolicy(name);
    }

    @Override
    public void placed(ClusterVolume v, Map<String, BrickDirectory.Member> members) {
        replication.apply(v, members);
    }

    @Override
    public void applied(Map<String, ClusterVolume> placedHere) throws MetadataStoreException {
        snapshots.apply(placedHere);
    }

    @Override
    public void exported(Volume local) {
        listener.exported(local);
    }

    @Override
    public void removed(int nsid) {
        listener.removed(nsid);
    }
}
