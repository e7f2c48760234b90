package io.basalt.control.topology;

import java.util.Locale;

/** Where a brick stands with the cluster, as the leader records it. */
public enum BrickState {
    /** Registered and heartbeating: serves its volumes and takes new replicas. */
    ACTIVE,
    /** Its heartbeat lease expired less than the failure grace ago: it may come back as it was. */
    UNREACHABLE,
    /** Unreachable for longer than the grace: given up (the next issue rebuilds its replicas elsewhere). */
    FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BrickState parse(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
