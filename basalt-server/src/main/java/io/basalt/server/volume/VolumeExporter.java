package io.basalt.server.volume;

import io.basalt.block.BlockStore;
import io.basalt.control.HostList;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.nvmet.qos.QosLimiter;
import io.basalt.nvmet.qos.QosLimits;
import io.basalt.nvmet.subsystem.AnaState;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.subsystem.Subsystem;

/**
 * The one place the volume layer builds and changes the target's objects: a volume becomes a
 * {@link Namespace} of the {@link Subsystem}, its host list an access check, its QoS policy a
 * limiter, its store the one the {@link StoreChain} puts in front of the local one. The subsystem tells
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
        BlockStore store = v.isSnapshotExport() ? local : chain.exported(v, local);
        Namespace ns = new Namespace(v.nsid(), v.name(), v.uuid(), store, ExportedAccess.of(v.hosts()));
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
        chain.unexported(v);
    }

    void rename(Namespace ns, String name) {
        ns.setName(name);
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
        ns.setQos(limits == null || limits.isUnlimited() ? null : new QosLimiter(limits, v.sizeBytes()));
    }
}
