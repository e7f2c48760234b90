package io.basalt.api.model;

/** {@code PUT /api/v1/qos-policies/{name}}: limits, 0 or omitted meaning unlimited. */
public record QosPolicyRequest(Long readIops, Long writeIops, Long readBytesPerSecond, Long writeBytesPerSecond,
                               Long iopsPerGib) {
}
