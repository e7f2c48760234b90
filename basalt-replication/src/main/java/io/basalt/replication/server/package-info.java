/**
 * The replica side of the replica protocol: {@link io.basalt.replication.server.ReplicationServer}
 * accepts primaries' connections and applies their requests to this brick's replicas, refusing
 * any stamped with an epoch older than the replica's {@link io.basalt.replication.EpochFence}.
 */
package io.basalt.replication.server;
