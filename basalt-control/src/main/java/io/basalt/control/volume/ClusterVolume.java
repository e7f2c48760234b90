package io.basalt.control.volume;

import io.basalt.control.MetadataEntry;
import io.basalt.control.placement.DomainRequirement;
import io.basalt.control.topology.Replicas;

import java.util.Map;
import java.util.TreeMap;

/**
 * A volume as the cluster records it under {@code volumes/NAME}: its spec (the same fields a single
 * brick keeps), where its replicas live and the failure domains they may live in.
 *
 * @param allowed  the failure-domain sets its replicas must stay in (none: anywhere); kept so that a
 *                 replacement replica stays there too
 * @param revision the record's modification revision, for compare-and-set updates
 */
public record ClusterVolume(VolumeMetadata spec, Replicas replicas, DomainRequirement allowed, long revision) {
    /** Reads a record; IllegalArgumentException names a damaged one. */
    public static ClusterVolume of(MetadataEntry e) {
        Replicas r = Replicas.of(e.fields());
        if (r == null) {
            throw new IllegalArgumentException(e.key() + " has no placement");
        }
        return new ClusterVolume(VolumeMetadata.fromFields(e.fields()), r, DomainRequirement.allowedIn(e.fields()),
                e.modRevision());
    }

    /** The fields to store for a spec placed as {@code replicas} within {@code allowed}. */
    public static Map<String, String> fields(VolumeMetadata spec, Replicas replicas, DomainRequirement allowed) {
        Map<String, String> f = new TreeMap<>(spec.toFields());
        replicas.addTo(f);
        allowed.addAllowedTo(f);
        return f;
    }

    /** The same volume with another spec and placement, as recorded at {@code newRevision}. */
    public ClusterVolume with(VolumeMetadata newSpec, Replicas newReplicas, long newRevision) {
        return new ClusterVolume(newSpec, newReplicas, allowed, newRevision);
    }

    /** The fields to store for this volume with another spec and placement. */
    public Map<String, String> fields(VolumeMetadata newSpec, Replicas newReplicas) {
        return fields(newSpec, newReplicas, allowed);
    }

    public String name() {
        return spec.name();
    }
}
