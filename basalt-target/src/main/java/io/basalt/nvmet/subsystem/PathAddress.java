package io.basalt.nvmet.subsystem;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Another brick's NVMe/TCP port serving this same subsystem, as the discovery log lists it so that
 * {@code nvme connect-all} opens a path to every brick.
 *
 * @param traddr  the port's IP address as text (IPv4 dotted or IPv6), never a wildcard
 * @param trsvcid the TCP port, 1..65535
 * @param portId  the port's identifier within the subsystem, distinct per brick, 0..65535
 */
public record PathAddress(String traddr, int trsvcid, int portId) {
    /** Longest transport address the discovery log entry holds. */
    static final int TRADDR_MAX = 256;

    public PathAddress {
        Objects.requireNonNull(traddr, "traddr");
        if (traddr.isEmpty() || traddr.getBytes(StandardCharsets.US_ASCII).length > TRADDR_MAX
                || !StandardCharsets.US_ASCII.newEncoder().canEncode(traddr)) {
            throw new IllegalArgumentException("traddr must be 1 to 256 ASCII characters: " + traddr);
        }
        if (traddr.equals("0.0.0.0") || traddr.equals("::")) {
            throw new IllegalArgumentException("traddr must be an address hosts can reach, not a wildcard");
        }
        if (trsvcid < 1 || trsvcid > 65535) {
            throw new IllegalArgumentException("trsvcid must be between 1 and 65535: " + trsvcid);
        }
        if (portId < 0 || portId > 0xFFFF) {
            throw new IllegalArgumentException("portId must be between 0 and 65535: " + portId);
        }
    }

    /** Whether {@link #traddr} is an IPv6 address (the discovery entry's address family). */
    public boolean ipv6() {
        return traddr.indexOf(':') >= 0;
    }
}
