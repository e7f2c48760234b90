/**
 * The volume layer: a {@link io.basalt.volume.Volume} is what a protocol exports to hosts — its
 * identity, host access, QoS limiter, I/O counters and the store it exports — independent of NVMe
 * and of any transport. The NVMe target's namespace holds one and adds only what is per path.
 * Depends only on the block contract ({@code io.basalt.block}).
 */
package io.basalt.volume;
