package io.basalt.api.model;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/bricks[/NAME]}: one member of the cluster.
 *
 * @param state          {@code active} (heartbeating), {@code unreachable} (heartbeat lost less than the
 *                       failure grace ago) or {@code failed} (given up)
 * @param stateSince     when it entered that state (ISO-8601), or null when unknown
 * @param nvmeAddress    HOST:PORT hosts connect to
 * @param apiAddress     HOST:PORT of its management API, or null
 * @param slot           its number in the cluster; controller IDs {@code slot*1000+1 .. slot*1000+999}
 * @param leader         whether it is the cluster leader now
 * @param primaries      volumes it serves as primary
 * @param replicas       volumes it holds a replica of (primaries included)
 */
public record BrickView(String name, String state, String stateSince, String nvmeAddress, String apiAddress,
                        Map<String, String> failureDomains, int slot, long capacityBytes, long freeBytes,
                        boolean leader, int primaries, int replicas, List<String> volumes) {
}
