package io.basalt.replication;

import java.util.UUID;

/** Finds the replica this brick holds of a volume, for the replication server. */
@FunctionalInterface
public interface ReplicaVolumes {
    /** The replica of the volume with that UUID, or null when this brick holds none. Cheap, lock-free. */
    ReplicaVolume find(UUID volume);
}
