/**
 * The control plane: what should exist, recorded in one place.
 *
 * <p>{@link io.basalt.control.MetadataStore} is the single source of truth for volumes (and
 * snapshots exported as volumes), QoS policies, the NSID allocator and host access
 * ({@link io.basalt.control.HostList}), and on a cluster placement, epochs and leases. Typed views
 * read and write it — the daemon's volume catalog and QoS policies, the cluster's volume service
 * ({@link io.basalt.control.volume.ClusterVolumes}) and every brick's agent
 * ({@link io.basalt.control.agent.VolumeAgent}); nothing else keeps a copy that could disagree.
 *
 * <p>The interface follows etcd's v3 model so that a cluster store is a second implementation, not
 * a redesign: a key maps to an etcd key under the cluster's prefix; {@code put(key, fields, rev)} is
 * a transaction {@code If(ModRevision(key) == rev).Then(Put)} ({@code ABSENT}: {@code
 * CreateRevision == 0}); {@code delete} likewise with {@code Delete}; {@code list} is a ranged get
 * whose header revision is the listing's; {@code watch(prefix, after, w)} is a watch from
 * {@code after + 1}, and etcd's "required revision has been compacted" is
 * {@link io.basalt.control.CompactedRevisionException}. Records are flat string fields, stored in
 * etcd as versioned {@code name=value} text.
 *
 * <p>{@link io.basalt.control.local.LocalMetadataStore} is the single brick's store: today's files
 * in the data dir, revisions in memory. {@link io.basalt.control.etcd.EtcdMetadataStore} is the
 * cluster's, in etcd, and also provides the cluster's leases and leader election
 * ({@link io.basalt.control.cluster.ClusterCoordination}); docs/cluster.md describes both.
 * {@code MetadataStoreContract} (in this module's test jar) is the behaviour every store must show.
 *
 * <p>No Netty, storage engine or NVMe target in this module's code ({@code ControlArchitectureTest});
 * its one library is jetcd, the etcd client; of Basalt it uses only {@code basalt-units} (sizes in
 * its answers) and {@code basalt-nvme}'s NQN syntax.
 */
package io.basalt.control;
