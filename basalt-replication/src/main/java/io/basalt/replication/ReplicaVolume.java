package io.basalt.replication;

import io.basalt.block.BlockStore;

/**
 * A replica held on this brick, as the replication server applies what a primary sends it.
 *
 * @param store the local copy of the volume
 * @param fence the newest epoch known for the volume: operations stamped with an older one are refused
 */
public record ReplicaVolume(BlockStore store, EpochFence fence) {
}
