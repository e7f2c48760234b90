package io.basalt.control.agent;

import io.basalt.control.MetadataStoreException;
import io.basalt.control.topology.BrickDirectory;
import io.basalt.control.volume.ClusterVolume;

import java.util.Map;

/**
 * What the daemon does at points of the {@link VolumeAgent}'s reconcile besides holding the
 * volumes: wiring each volume's replication, the snapshots its primary takes, and its metrics.
 *
 * @param <V> the daemon's volume
 */
public interface BrickDuties<V extends LocalVolume> {
    /** A volume placed here is as its record says: connect its replicas as the record places them. */
    void placed(ClusterVolume v, Map<String, BrickDirectory.Member> members);

    /** Every volume placed here was carried out: do the primary's part of their snapshot requests. */
    void applied(Map<String, ClusterVolume> placedHere) throws MetadataStoreException;

    /** A volume is exported here for the first time (or again with another UUID). */
    void exported(V local);

    /** The volume of that NSID no longer is on this brick. */
    void removed(int nsid);
}
