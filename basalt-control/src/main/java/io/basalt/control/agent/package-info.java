/**
 * The brick agent: makes a brick hold and export what the cluster's records place on it
 * ({@link io.basalt.control.agent.VolumeAgent}, {@link io.basalt.control.agent.PlacedVolumes}).
 *
 * <p>The agent decides; the brick carries out. It reaches the brick only through the interfaces
 * here, which the daemon implements: {@link io.basalt.control.agent.LocalVolumes} (the brick's
 * volumes and paths), {@link io.basalt.control.agent.LocalPolicies} (its copy of the QoS policies),
 * {@link io.basalt.control.agent.BrickDuties} (replication, snapshots, metrics) and
 * {@link io.basalt.control.agent.ServingAuthority} (its lease). So it runs, and is tested, without
 * an engine, a target or a network.
 */
package io.basalt.control.agent;
