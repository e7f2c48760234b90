package io.basalt.api.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v1/volumes}. {@code size} is bytes (a number) or a string with a unit
 * ({@code "10GiB"}); {@code hosts} lists host NQNs, or is {@code ["any"]}; omitted, no host may see
 * the volume. Only {@code name} and {@code size} are required. {@code compression} ({@code lz4}, the
 * default, {@code zstd} or {@code off}), {@code dedup} and {@code encryption} ({@code aes-xts} or
 * {@code off}) need the engine backend and are fixed at creation. {@code fromSnapshot}
 * ({@code VOLUME@SNAPSHOT}) makes the volume a clone of that snapshot: {@code size} is then
 * optional (the snapshot's by default), and block size and data services are the snapshot's. With
 * {@code readOnly: true} as well, the snapshot itself is exported to hosts as a write-protected
 * namespace (for backup) instead of being cloned. {@code replicas} (1 to 3, default 1) and
 * {@code failureDomainKey} place a volume on a cluster's bricks, each replica in a distinct failure
 * domain of that key (default: distinct bricks); a single brick accepts only 1. {@code allowedDomains}
 * lists failure-domain label sets (e.g. {@code [{"zone": "a"}, {"rack": "r7"}]}): every replica goes
 * to a brick carrying all labels of one of them; {@code preferredDomains}, best first, says where the
 * primary should go when a brick there can take it. Both steer a new volume's placement only; a
 * placement they make impossible is refused with 409 {@code placement_impossible}.
 */
public record CreateVolumeRequest(String name, JsonNode size, Integer blockSize, String backend, List<String> hosts,
                                  Map<String, String> labels, String qosPolicy, String compression, Boolean dedup,
                                  String encryption, String fromSnapshot, Boolean readOnly, Integer replicas,
                                  String failureDomainKey, List<Map<String, String>> allowedDomains,
                                  List<Map<String, String>> preferredDomains) {
}
