package io.basalt.csi.rpc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What ControllerPublishVolume tells the node so that NodeStageVolume can attach the volume without
 * asking the API again: the subsystem to connect to, every path to it, and which namespace is the
 * volume. The CO carries it as a string map; these are its keys, written and read only here.
 *
 * <p>A single brick has one path; a cluster's subsystem is reachable through every brick that
 * holds the volume, so {@code targets} is a list from the start (NVMe multipath joins the paths).
 *
 * @param subsystemNqn the NVMe subsystem that exports the volume
 * @param targets      {@code HOST:PORT} of each NVMe/TCP path ({@code [v6]:port} for IPv6)
 * @param nsid         the namespace's id in the subsystem (stable across restarts)
 * @param uuid         the namespace UUID, which is also the volume id: how the node finds the device
 */
public record PublishContext(String subsystemNqn, List<String> targets, int nsid, String uuid) {
    public static final String SUBSYSTEM_NQN = "subsystemNqn";
    public static final String TARGETS = "targets";
    public static final String NSID = "nsid";
    public static final String UUID = "uuid";
    public static final String TRANSPORT = "transport";

    public PublishContext {
        targets = List.copyOf(targets);
    }

    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(TRANSPORT, "tcp");
        m.put(SUBSYSTEM_NQN, subsystemNqn);
        m.put(TARGETS, String.join(",", targets));
        m.put(NSID, Integer.toString(nsid));
        m.put(UUID, uuid);
        return m;
    }

    /** Reads a publish context; a missing or malformed key is INVALID_ARGUMENT, as the node cannot attach without it. */
    public static PublishContext fromMap(Map<String, String> m) {
        String nqn = required(m, SUBSYSTEM_NQN);
        List<String> targets = new ArrayList<>();
        for (String t : required(m, TARGETS).split(",")) {
            if (!t.isBlank()) {
                targets.add(t.trim());
            }
        }
        if (targets.isEmpty()) {
            throw CsiErrors.invalid("publish_context has no NVMe/TCP target");
        }
        int nsid;
        try {
            nsid = Integer.parseInt(required(m, NSID));
        } catch (NumberFormatException e) {
            throw CsiErrors.invalid("publish_context nsid is not a number: " + m.get(NSID));
        }
        return new PublishContext(nqn, targets, nsid, required(m, UUID));
    }

    private static String required(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null || v.isBlank()) {
            throw CsiErrors.invalid("publish_context lacks '" + key + "' (was the volume published by this driver?)");
        }
        return v;
    }
}
