package io.basalt.replication.server;

import java.util.UUID;

/**
 * The volume UUIDs a connection has seen lately, so looking a volume up from the two longs on the
 * wire allocates no {@link UUID} per request: one connection carries every volume a primary brick
 * replicates here, a few dozen at most, and a collision only costs a new UUID. One connection's
 * event loop only.
 */
final class UuidCache {
    private static final int SIZE = 64;

    private final UUID[] recent = new UUID[SIZE];

    UUID get(long msb, long lsb) {
        long h = (msb ^ lsb) * 0x9E3779B97F4A7C15L;
        int i = (int) (h >>> 58);
        UUID u = recent[i];
        if (u == null || u.getMostSignificantBits() != msb || u.getLeastSignificantBits() != lsb) {
            u = new UUID(msb, lsb);
            recent[i] = u;
        }
        return u;
    }
}
