package io.basalt.api.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * {@code PATCH /api/v1/volumes/{name}}: every field is optional and only those given change.
 * {@code size} grows the volume (shrinking needs {@code force}); {@code name} renames it;
 * {@code hosts} replaces the access list; {@code labels} replaces the labels; {@code qosPolicy}
 * sets the policy, and the empty string removes it.
 */
public record UpdateVolumeRequest(String name, JsonNode size, Boolean force, List<String> hosts,
                                  Map<String, String> labels, String qosPolicy) {
}
