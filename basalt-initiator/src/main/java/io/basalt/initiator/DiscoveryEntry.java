package io.basalt.initiator;

import io.netty.buffer.ByteBuf;

/**
 * One 1024-byte discovery log page entry.
 *
 * @param trtype  transport type (3 = TCP)
 * @param adrfam  address family (1 = IPv4, 2 = IPv6)
 * @param subtype 1 = referral to a discovery subsystem, 2 = NVM subsystem, 3 = current discovery subsystem
 * @param treq    transport requirements (bit 2: SQ flow control disable supported)
 */
public record DiscoveryEntry(int trtype, int adrfam, int subtype, int treq, int portId, int cntlid, int asqsz,
                             String trsvcid, String subnqn, String traddr) {
    public static final int LENGTH = 1024;
    public static final int TRTYPE_TCP = 3;
    public static final int SUBTYPE_NVM = 2;

    public static DiscoveryEntry parse(ByteBuf b, int base) {
        return new DiscoveryEntry(b.getUnsignedByte(base), b.getUnsignedByte(base + 1), b.getUnsignedByte(base + 2),
                b.getUnsignedByte(base + 3), b.getUnsignedShortLE(base + 4), b.getUnsignedShortLE(base + 6),
                b.getUnsignedShortLE(base + 8), ControllerInfo.text(b, base + 32, 32),
                ControllerInfo.text(b, base + 256, 256), ControllerInfo.text(b, base + 512, 256));
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
