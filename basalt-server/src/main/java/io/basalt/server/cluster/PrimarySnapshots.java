package io.basalt.server.cluster;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.RevisionConflictException;
import io.basalt.control.volume.ClusterVolume;
import io.basalt.server.volume.Snapshots;
import io.basalt.control.volume.VolumeException;
import io.basalt.server.volume.VolumeManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * The primary brick's side of the cluster's snapshots: takes the ones asked for on the volumes it
 * is primary of, deletes the ones marked for deletion, and records the outcome. Part of the agent's
 * reconcile, so a request made while the primary was away is carried out when it returns.
 */
final class PrimarySnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(PrimarySnapshots.class);

    private final String brick;
    private final MetadataStore store;
    private final VolumeManager manager;

    PrimarySnapshots(String brick, MetadataStore store, VolumeManager manager) {
        this.brick = brick;
        this.store = store;
        this.manager = manager;
    }

    /** @param placedHere the cluster's volumes this brick holds, by name */
    void apply(Map<String, ClusterVolume> placedHere) throws MetadataStoreException {
        for (MetadataEntry e : store.list(MetadataKeys.SNAPSHOTS).entries()) {
            ClusterSnapshot s;
            try {
                s = ClusterSnapshot.of(e);
            } catch (RuntimeException damaged) {
                continue;
            }
            ClusterVolume v = placedHere.get(s.volume());
            if (v == null || !brick.equals(v.replicas().primary())
                    || !v.spec().uuid().toString().equals(s.volumeUuid())) {
                continue;
            }
            try {
                switch (s.state()) {
                    case REQUESTED -> take(e, s);
                    case DELETING -> delete(e, s);
                    default -> { }
                }
            } catch (RevisionConflictException raced) {
                // Changed meanwhile: looked at again on the next reconcile.
            }
        }
    }

    private void take(MetadataEntry e, ClusterSnapshot s) throws MetadataStoreException {
        ClusterSnapshot outcome;
        try {
            Snapshots.Taken t = manager.snapshots().create(s.volume(), s.name());
            var i = t.snapshot().info();
            outcome = s.taken(i.id(), i.capacityBytes(), i.blockSize(), i.mappedBytes(), i.createdMillis());
            LOG.info("Took snapshot {}@{} for the cluster", s.volume(), s.name());
        } catch (VolumeException x) {
            outcome = s.with(ClusterSnapshot.State.FAILED, x.getMessage());
        }
        store.put(e.key(), outcome.toFields(), e.modRevision());
    }

    private void delete(MetadataEntry e, ClusterSnapshot s) throws MetadataStoreException {
        try {
            manager.snapshots().delete(s.volume(), s.name());
        } catch (VolumeException x) {
            if (x.kind() != VolumeException.Kind.NOT_FOUND) {
                LOG.warn("Cannot delete snapshot {}@{}: {}", s.volume(), s.name(), x.getMessage());
                return;
            }
        }
        store.delete(e.key(), e.modRevision());
    }
}
