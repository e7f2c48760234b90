package io.basalt.control.placement;

import java.util.Map;
import java.util.Objects;

/**
 * What placement needs to know of one brick.
 *
 * @param name           the brick's name, unique in the cluster
 * @param active         whether the brick is registered and heartbeating now: only active bricks get
 *                       new replicas
 * @param failureDomains the brick's failure-domain labels (e.g. {@code rack=r1, zone=a})
 * @param freeBytes      capacity the brick can still give to new volumes
 * @param primaries      how many volumes the brick serves as primary today
 */
public record BrickCandidate(String name, boolean active, Map<String, String> failureDomains, long freeBytes,
                             int primaries) {
    public BrickCandidate {
        Objects.requireNonNull(name, "name");
        failureDomains = Map.copyOf(failureDomains);
    }

    /**
     * The failure domain the brick is in for {@code key}: its label's value, or the brick's own name
     * when {@code key} is null (every brick its own domain) or the brick has no such label (a brick
     * that does not say where it is shares a domain with nobody: refusing it would strand capacity,
     * pairing it with others would be a guess).
     */
    public String domain(String key) {
        if (key == null) {
            return name;
        }
        String value = failureDomains.get(key);
        return value == null ? "brick:" + name : key + "=" + value;
    }
}
