/**
 * A volume's QoS: {@link io.basalt.volume.qos.QosLimits} (IOPS, bandwidth, IOPS per GiB) enforced
 * lock-free on the data path by a {@link io.basalt.volume.qos.QosLimiter}; an unlimited volume has
 * no limiter, so its check is a null check.
 */
package io.basalt.volume.qos;
