package io.basalt.control.topology;

import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A cluster member as recorded under {@code bricks/NAME}: where hosts and other bricks reach it,
 * where it stands, and what placement needs. Written by the brick when it joins (address, domains,
 * capacity) and by the leader when the brick's state changes; it outlives the brick's heartbeat so a
 * brick that is gone is still known and listed.
 *
 * @param name             unique in the cluster, fixed for the brick's life
 * @param nvmeAddress      HOST:PORT where hosts connect over NVMe/TCP (what discovery advertises)
 * @param apiAddress       HOST:PORT of its management API, or null when it runs none
 * @param replicationAddress HOST:PORT where primaries on other bricks send it their volumes' writes,
 *                         or null (a brick of a version without replication)
 * @param failureDomains   labels such as {@code rack=r1}
 * @param slot             the brick's number in the cluster, 1 and up, never reused while it is a
 *                         member: it gives the brick its own controller-ID range
 * @param capacityBytes    what its pool can hold
 * @param freeBytes        what is not yet promised to volumes
 * @param state            as the leader last judged it
 * @param stateSinceMillis when it entered that state, epoch milliseconds
 */
public record BrickRecord(String name, String nvmeAddress, String apiAddress, String replicationAddress,
                          Map<String, String> failureDomains,
                          int slot, long capacityBytes, long freeBytes, BrickState state, long stateSinceMillis) {
    private static final String NVME = "nvme-address";
    private static final String API = "api-address";
    private static final String REPLICATION = "replication-address";
    private static final String DOMAIN_PREFIX = "domain.";
    private static final String SLOT = "slot";
    private static final String CAPACITY = "capacity-bytes";
    private static final String FREE = "free-bytes";
    private static final String STATE = "state";
    private static final String SINCE = "state-since-millis";

    public BrickRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(nvmeAddress, "nvmeAddress");
        Objects.requireNonNull(state, "state");
        failureDomains = Map.copyOf(failureDomains);
    }

    public BrickRecord withState(BrickState newState, long sinceMillis) {
        return new BrickRecord(name, nvmeAddress, apiAddress, replicationAddress, failureDomains, slot, capacityBytes, freeBytes,
                newState, sinceMillis);
    }

    /** The record's fields in the metadata store. */
    public Map<String, String> toFields() {
        SortedMap<String, String> f = new TreeMap<>();
        f.put(NVME, nvmeAddress);
        if (apiAddress != null) {
            f.put(API, apiAddress);
        }
        if (replicationAddress != null) {
            f.put(REPLICATION, replicationAddress);
        }
        failureDomains.forEach((k, v) -> f.put(DOMAIN_PREFIX + k, v));
        f.put(SLOT, Integer.toString(slot));
        f.put(CAPACITY, Long.toString(capacityBytes));
        f.put(FREE, Long.toString(freeBytes));
        f.put(STATE, state.label());
        f.put(SINCE, Long.toString(stateSinceMillis));
        return f;
    }

    /** Reads a record written by {@link #toFields()}; IllegalArgumentException names a damaged field. */
    public static BrickRecord fromFields(String name, Map<String, String> f) {
        Map<String, String> domains = new TreeMap<>();
        f.forEach((k, v) -> {
            if (k.startsWith(DOMAIN_PREFIX)) {
                domains.put(k.substring(DOMAIN_PREFIX.length()), v);
            }
        });
        try {
            return new BrickRecord(name, required(f, NVME), f.get(API), f.get(REPLICATION), domains, Integer.parseInt(required(f, SLOT)),
                    Long.parseLong(f.getOrDefault(CAPACITY, "0")), Long.parseLong(f.getOrDefault(FREE, "0")),
                    BrickState.parse(f.getOrDefault(STATE, "active")), Long.parseLong(f.getOrDefault(SINCE, "0")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("brick " + name + ": damaged record: " + e.getMessage());
        }
    }

    private static String required(Map<String, String> f, String field) {
        String v = f.get(field);
        if (v == null) {
            throw new IllegalArgumentException("missing " + field);
        }
        return v;
    }
}
