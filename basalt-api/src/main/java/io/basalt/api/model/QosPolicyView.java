package io.basalt.api.model;

import java.util.List;

/** A QoS policy and the volumes under it. Limits of 0 mean unlimited. */
public record QosPolicyView(String name, long readIops, long writeIops, long readBytesPerSecond,
                            long writeBytesPerSecond, long iopsPerGib, List<String> volumes) {
}
