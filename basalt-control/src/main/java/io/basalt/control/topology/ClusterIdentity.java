package io.basalt.control.topology;

import java.util.Map;
import java.util.Objects;

/**
 * What the whole cluster shows hosts as one: the subsystem NQN every brick serves and the serial
 * number in every brick's Identify Controller (Linux merges controllers into one subsystem by NQN;
 * differing serials would make the subsystem look inconsistent). Created once by the first brick
 * that joins, under {@code cluster}, and never changed.
 */
public record ClusterIdentity(String subsystemNqn, String serial, long createdMillis) {
    private static final String NQN = "subsystem-nqn";
    private static final String SERIAL = "serial";
    private static final String CREATED = "created-millis";

    public ClusterIdentity {
        Objects.requireNonNull(subsystemNqn);
        Objects.requireNonNull(serial);
    }

    public Map<String, String> toFields() {
        return Map.of(NQN, subsystemNqn, SERIAL, serial, CREATED, Long.toString(createdMillis));
    }

    public static ClusterIdentity fromFields(Map<String, String> f) {
        String nqn = f.get(NQN);
        String serial = f.get(SERIAL);
        if (nqn == null || serial == null) {
            throw new IllegalArgumentException("the cluster record lacks " + (nqn == null ? NQN : SERIAL));
        }
        return new ClusterIdentity(nqn, serial, Long.parseLong(f.getOrDefault(CREATED, "0")));
    }
}
