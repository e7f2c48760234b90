package io.basalt.volume;

import java.util.Objects;
import java.util.UUID;

/**
 * Who a volume is to hosts and to the stores of its chain: the NSID it is exported under, its name
 * (for operators, logs and records) and its UUID, from which the NGUID is derived so that every
 * path, and every brick holding a replica, shows hosts the same identity.
 *
 * <p>A value: a renamed volume has a new identity record; the chain keeps the one it was built with.
 *
 * @param nsid the namespace ID, 1 to 0xFFFFFFFE (0 and the broadcast value are reserved by NVMe)
 */
public record VolumeIdentity(int nsid, String name, UUID uuid) {
    /** The bytes of an NGUID (and of a UUID). */
    public static final int NGUID_LENGTH = 16;

    public VolumeIdentity {
        if (nsid <= 0 || nsid == 0xFFFFFFFF) {
            throw new IllegalArgumentException("NSID must be between 1 and 0xFFFFFFFE: " + nsid);
        }
        Objects.requireNonNull(name);
        Objects.requireNonNull(uuid);
    }

    /** The NGUID is the UUID's 16 bytes, big-endian: the same on every path to this volume. */
    public byte[] nguid() {
        return nguid(uuid);
    }

    /** The NGUID of a volume with this UUID (a new array each call: management path only). */
    public static byte[] nguid(UUID uuid) {
        byte[] b = new byte[NGUID_LENGTH];
        long hi = uuid.getMostSignificantBits();
        long lo = uuid.getLeastSignificantBits();
        for (int i = 0; i < Long.BYTES; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[Long.BYTES + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }
}
