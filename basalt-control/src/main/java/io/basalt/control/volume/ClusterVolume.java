package io.basalt.control.volume;

import io.basalt.control.MetadataEntry;
import io.basalt.control.topology.Replicas;

import java.util.Map;
import java.util.TreeMap;

/**
 * A volume as the cluster records it under {@code volumes/NAME}: its spec (the same fields a single
 * brick keeps) and where its replicas live.
 *
 * @param revision the record's modification revision, for compare-and-set updates
 */
public record ClusterVolume(VolumeMetadata spec, Replicas replicas, long revision) {
    /** Reads a record; IllegalArgumentException names a damaged one. */
    public static ClusterVolume of(MetadataEntry e) {
        Replicas r = Replicas.of(e.fields());
        if (r == null) {
            throw new IllegalArgumentException(e.key() + " has no placement");
        }
        return new ClusterVolume(VolumeMetadata.fromFields(e.fields()), r, e.modRevision());
    }

    /** The fields to store for a spec placed as {@code replicas}. */
    public static Map<String, String> fields(VolumeMetadata spec, Replicas replicas) {
        Map<String, String> f = new TreeMap<>(spec.toFields());
        replicas.addTo(f);
        return f;
    }

    public String name() {
        return spec.name();
    }
}
