package io.basalt.server.volume;

import io.basalt.block.BlockStore;
import io.basalt.control.HostList;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.volume.qos.QosLimiter;
import io.basalt.volume.qos.QosLimits;
import io.basalt.nvmet.subsystem.AnaState;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.subsystem.Subsystem;
// The volume layer's Volume (what hosts reach), not this package's record of a managed volume.
import io.basalt.volume.Volume;
import io.basalt.volume.VolumeIdentity;
import io.basalt.volume.chain.StoreChain;
import io.basalt.volume.qos.QosLimiter;
import io.basalt.volume.qos.QosLimits;

/**
 * The one place the daemon builds and changes the exported objects of a volume: its record becomes a
 * {@link Volume} (identity, host access, QoS limiter, and the store its {@link StoreChain} builds over
 * the local one) exported as a {@link Namespace} of the {@link Subsystem}. The subsystem tells
 * connected hosts of each change. Management plane only.
 */
final class VolumeExporter {
    private final Subsystem subsystem;
    private final QosPolicyStore policies;
    private final StoreChain chain;

    VolumeExporter(Subsystem subsystem, QosPolicyStore policies, StoreChain chain) {
        this.subsystem = subsystem;
        this.policies = policies;
        this.chain = chain;
    }

    Subsystem subsystem() {
        return subsystem;
    }

    int maxNamespaces() {
        return subsystem.maxNamespaces();
    }

    /**
     * The namespace that exports the volume's local store (through the chain, unless it is a read-only
     * snapshot export), under its QoS policy; not yet in the subsystem.
     */
    Namespace namespace(VolumeMetadata v, BlockStore local) {
        VolumeIdentity identity = identity(v);
        BlockStore store = v.isSnapshotExport() ? local : chain.build(identity, local);
        Namespace ns = new Namespace(new Volume(identity, store, ExportedAccess.of(v.hosts())));
        applyQos(ns, v);
        return ns;
    }

    /**
     * Adds the namespace. On a path of a cluster's subsystem it starts inaccessible: only the
     * cluster's word that this brick is the volume's primary makes it optimized, so a replica never
     * takes host I/O, not even for a moment.
     */
    void add(Namespace ns) {
        subsystem.addNamespace(ns, subsystem.multipath().anaGroupPerNamespace() ? AnaState.INACCESSIBLE
                : AnaState.OPTIMIZED);
    }

    /** Takes the volume's namespace out of the subsystem and releases what the chain built for it. */
    void remove(VolumeMetadata v) {
        subsystem.removeNamespace(v.nsid());
        unexported(v);
    }

    /** Releases what the chain built for the volume (the brick is stopping). */
    void unexported(VolumeMetadata v) {
        if (!v.isSnapshotExport()) {
            chain.release(identity(v));
        }
    }

    private static VolumeIdentity identity(VolumeMetadata v) {
        return new VolumeIdentity(v.nsid(), v.name(), v.uuid());
    }

    void rename(Namespace ns, String name) {
        ns.volume().setName(name);
    }

    void setAccess(int nsid, HostList hosts) {
        subsystem.setAccess(nsid, ExportedAccess.of(hosts));
    }

    /** The volume's size or contents changed: its QoS limits follow the size, and hosts are told. */
    void changed(Namespace ns, VolumeMetadata v) {
        applyQos(ns, v);
        subsystem.attributesChanged(v.nsid());
    }

    /** Puts the namespace under the volume's QoS policy now (limits scale with the volume's size). */
    void applyQos(Namespace ns, VolumeMetadata v) {
        QosLimits limits = v.qosPolicy() == null ? null : policies.get(v.qosPolicy());
        ns.volume().setQos(limits == null || limits.isUnlimited() ? null : new QosLimiter(limits, v.sizeBytes()));
    }
}
