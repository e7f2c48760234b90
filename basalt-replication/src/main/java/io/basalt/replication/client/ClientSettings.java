package io.basalt.replication.client;

/**
 * How a {@link ReplicationClient} treats its brick.
 *
 * @param timeoutMillis how long an operation may wait for its answer before it fails (the primary
 *                      then drops the replica); also the connect timeout
 * @param reconnectMillis the pause between attempts to reach the brick while it is away
 * @param maxInFlight operations that may wait for an answer at once, over all volumes to the brick
 */
public record ClientSettings(long timeoutMillis, long reconnectMillis, int maxInFlight) {
    public static final long TIMEOUT_MILLIS_DEFAULT = 2_000;
    public static final long RECONNECT_MILLIS_DEFAULT = 250;
    public static final int MAX_IN_FLIGHT_DEFAULT = 4_096;

    public ClientSettings {
        if (timeoutMillis <= 0 || reconnectMillis <= 0) {
            throw new IllegalArgumentException("timeout and reconnect interval must be positive");
        }
        if (maxInFlight < 1 || Integer.bitCount(maxInFlight) != 1) {
            throw new IllegalArgumentException("max in flight must be a power of two, not " + maxInFlight);
        }
    }

    public static ClientSettings defaults() {
        return new ClientSettings(TIMEOUT_MILLIS_DEFAULT, RECONNECT_MILLIS_DEFAULT, MAX_IN_FLIGHT_DEFAULT);
    }

    public ClientSettings withTimeoutMillis(long millis) {
        return new ClientSettings(millis, reconnectMillis, maxInFlight);
    }

    public ClientSettings withReconnectMillis(long millis) {
        return new ClientSettings(timeoutMillis, millis, maxInFlight);
    }
}
