package io.basalt.initiator;

import io.basalt.nvme.discovery.DiscoveryLogEntry;
import io.netty.buffer.ByteBuf;

/**
 * One discovery log page entry, read with the {@link DiscoveryLogEntry} flyweight.
 *
 * @param trtype  transport type (3 = TCP)
 * @param adrfam  address family (1 = IPv4, 2 = IPv6)
 * @param subtype 1 = referral to a discovery subsystem, 2 = NVM subsystem, 3 = current discovery subsystem
 * @param treq    transport requirements (bit 2: SQ flow control disable supported)
 */
public record DiscoveryEntry(int trtype, int adrfam, int subtype, int treq, int portId, int cntlid, int asqsz,
                             String trsvcid, String subnqn, String traddr) {
    /** Same as {@link DiscoveryLogEntry#TRTYPE_TCP}. */
    public static final int TRTYPE_TCP = DiscoveryLogEntry.TRTYPE_TCP;
    /** Same as {@link DiscoveryLogEntry#SUBTYPE_NVM}. */
    public static final int SUBTYPE_NVM = DiscoveryLogEntry.SUBTYPE_NVM;

    /** Reads the entry that starts at {@code base}. */
    public static DiscoveryEntry parse(ByteBuf b, int base) {
        return new DiscoveryEntry(DiscoveryLogEntry.trtype(b, base), DiscoveryLogEntry.adrfam(b, base),
                DiscoveryLogEntry.subtype(b, base), DiscoveryLogEntry.treq(b, base),
                DiscoveryLogEntry.portid(b, base), DiscoveryLogEntry.cntlid(b, base),
                DiscoveryLogEntry.asqsz(b, base), DiscoveryLogEntry.trsvcid(b, base),
                DiscoveryLogEntry.subnqn(b, base), DiscoveryLogEntry.traddr(b, base));
    }

    /** The port as a number, or -1 if TRSVCID is not one. */
    public int port() {
        try {
            return Integer.parseInt(trsvcid.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
