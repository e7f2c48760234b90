package io.basalt.control.agent;

import io.basalt.control.volume.VolumeException;
import io.basalt.control.volume.VolumeMetadata;

import java.util.List;
import java.util.Objects;

/**
 * The brick's side of a cluster's placement: makes the local volume of a name match the record
 * the cluster keeps for it, and removes local volumes the cluster no longer places here. The
 * cluster's record is the truth; the brick's own catalog only remembers what it has carried out.
 *
 * <p>A local volume is the cluster's volume when their UUIDs agree. A local volume of the same name
 * but another UUID is a volume the cluster deleted and re-created meanwhile: it goes, with its data.
 *
 * @param <V> the daemon's volume
 */
public final class PlacedVolumes<V extends LocalVolume> {
    private final LocalVolumes<V> manager;

    public PlacedVolumes(LocalVolumes<V> manager) {
        this.manager = Objects.requireNonNull(manager);
    }

    /**
     * Creates, grows, re-masks and re-limits the local volume until it is as {@code wanted} says.
     *
     * @return the local volume afterwards
     */
    public synchronized V realize(VolumeMetadata wanted) throws VolumeException {
        V have = local(wanted.name());
        if (have != null && !have.metadata().uuid().equals(wanted.uuid())) {
            manager.delete(wanted.name());
            have = null;
        }
        if (have == null) {
            VolumeMetadata mine = manager.list().stream().map(LocalVolume::metadata)
                    .filter(m -> m.uuid().equals(wanted.uuid())).findFirst().orElse(null);
            if (mine != null) {
                // Renamed in the cluster while this brick was away: keep the data, take the name.
                have = manager.rename(mine.name(), wanted.name());
            } else {
                return manager.create(wanted);
            }
        }
        VolumeMetadata m = have.metadata();
        if (m.sizeBytes() < wanted.sizeBytes()) {
            have = manager.grow(wanted.name(), wanted.sizeBytes());
        }
        if (!m.hosts().equals(wanted.hosts())) {
            have = manager.setHosts(wanted.name(), wanted.hosts());
        }
        if (!Objects.equals(m.qosPolicy(), wanted.qosPolicy())) {
            have = manager.setQosPolicy(wanted.name(), wanted.qosPolicy());
        }
        if (!m.labels().equals(wanted.labels())) {
            have = manager.setLabels(wanted.name(), wanted.labels());
        }
        return have;
    }

    /** Deletes the local volume of that name, with its snapshots; false if there was none. */
    public synchronized boolean remove(String name) throws VolumeException {
        if (local(name) == null) {
            return false;
        }
        manager.delete(name);
        return true;
    }

    /** The names of the volumes this brick holds. */
    public List<String> names() {
        return manager.list().stream().map(v -> v.metadata().name()).toList();
    }

    /** The local volume of that name, or null. */
    public V local(String name) {
        return manager.get(name);
    }
}
