/**
 * The primary's side of the replica protocol: a {@link io.basalt.replication.client.ReplicationClient}
 * per remote brick keeps one connection to it (reconnecting in the background) and hands out a
 * {@link io.basalt.replication.ReplicaLink} per volume replicated there.
 */
package io.basalt.replication.client;
