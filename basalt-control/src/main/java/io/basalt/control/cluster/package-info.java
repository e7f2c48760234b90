/**
 * What a cluster of bricks needs beyond the metadata store: {@link io.basalt.control.cluster.Lease}s
 * kept alive in the background, entries bound to them, and leader election, behind
 * {@link io.basalt.control.cluster.ClusterCoordination}. etcd implements it
 * ({@code io.basalt.control.etcd}); a single brick never uses it.
 */
package io.basalt.control.cluster;
