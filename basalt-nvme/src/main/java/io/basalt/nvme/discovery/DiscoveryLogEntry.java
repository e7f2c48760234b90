package io.basalt.nvme.discovery;

import io.basalt.nvme.FixedText;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * One 1024-byte discovery log page entry: where and how to reach one subsystem port. All
 * multi-byte fields are little endian; strings are ASCII (the NQN UTF-8), address fields
 * space-padded.
 *
 * <pre>
 *  0        1        2        3        4                 6                 8                 10      32
 * +--------+--------+--------+--------+-----------------+-----------------+-----------------+-------+
 * | trtype | adrfam | subtype|  treq  |  portid (le16)  |  cntlid (le16)  |  asqsz (le16)   | rsvd  |
 * +--------+--------+--------+--------+-----------------+-----------------+-----------------+-------+
 *  32                        256                        512                        768          1024
 * +--------------------------+--------------------------+--------------------------+------------+
 * |     trsvcid [32] + rsvd  |       subnqn [256]       |       traddr [256]       | tsas [256] |
 * +--------------------------+--------------------------+--------------------------+------------+
 * </pre>
 *
 * Static accessors read and write at an absolute index: {@code base} is where the entry starts.
 */
public final class DiscoveryLogEntry {
    public static final int LENGTH = 1024;
    public static final int TRTYPE_OFFSET = 0;
    public static final int ADRFAM_OFFSET = 1;
    public static final int SUBTYPE_OFFSET = 2;
    public static final int TREQ_OFFSET = 3;
    public static final int PORTID_OFFSET = 4;
    public static final int CNTLID_OFFSET = 6;
    public static final int ASQSZ_OFFSET = 8;
    public static final int TRSVCID_OFFSET = 32;
    public static final int TRSVCID_LENGTH = 32;
    public static final int SUBNQN_OFFSET = 256;
    public static final int SUBNQN_LENGTH = 256;
    public static final int TRADDR_OFFSET = 512;
    public static final int TRADDR_LENGTH = 256;
    public static final int TSAS_OFFSET = 768;

    /** TRTYPE: TCP. */
    public static final int TRTYPE_TCP = 3;
    /** ADRFAM: IPv4. */
    public static final int ADRFAM_IPV4 = 1;
    /** ADRFAM: IPv6. */
    public static final int ADRFAM_IPV6 = 2;
    /** SUBTYPE: a referral to another discovery subsystem. */
    public static final int SUBTYPE_REFERRAL = 1;
    /** SUBTYPE: an NVM subsystem. */
    public static final int SUBTYPE_NVM = 2;
    /** SUBTYPE: the current discovery subsystem. */
    public static final int SUBTYPE_CURRENT_DISCOVERY = 3;
    /** TREQ bit 2: the port supports disabling SQ flow control. */
    public static final int TREQ_SQ_FLOW_CONTROL_DISABLE = 1 << 2;
    /** CNTLID: the dynamic controller model, any controller. */
    public static final int CNTLID_DYNAMIC = 0xFFFF;

    private DiscoveryLogEntry() {
    }

    /** Transport type, e.g. {@link #TRTYPE_TCP}. */
    public static int trtype(ByteBuf b, int base) {
        return b.getUnsignedByte(base + TRTYPE_OFFSET);
    }

    public static void trtype(ByteBuf b, int base, int value) {
        b.setByte(base + TRTYPE_OFFSET, value);
    }

    /** Address family of {@link #traddr}. */
    public static int adrfam(ByteBuf b, int base) {
        return b.getUnsignedByte(base + ADRFAM_OFFSET);
    }

    public static void adrfam(ByteBuf b, int base, int value) {
        b.setByte(base + ADRFAM_OFFSET, value);
    }

    public static int subtype(ByteBuf b, int base) {
        return b.getUnsignedByte(base + SUBTYPE_OFFSET);
    }

    public static void subtype(ByteBuf b, int base, int value) {
        b.setByte(base + SUBTYPE_OFFSET, value);
    }

    /** Transport requirements: secure channel (bits 1:0), SQ flow control disable (bit 2). */
    public static int treq(ByteBuf b, int base) {
        return b.getUnsignedByte(base + TREQ_OFFSET);
    }

    public static void treq(ByteBuf b, int base, int value) {
        b.setByte(base + TREQ_OFFSET, value);
    }

    public static int portid(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + PORTID_OFFSET);
    }

    public static void portid(ByteBuf b, int base, int value) {
        b.setShortLE(base + PORTID_OFFSET, value);
    }

    public static int cntlid(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + CNTLID_OFFSET);
    }

    public static void cntlid(ByteBuf b, int base, int value) {
        b.setShortLE(base + CNTLID_OFFSET, value);
    }

    /** Admin submission queue size the host should use. */
    public static int asqsz(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + ASQSZ_OFFSET);
    }

    public static void asqsz(ByteBuf b, int base, int value) {
        b.setShortLE(base + ASQSZ_OFFSET, value);
    }

    /** Transport service identifier: for TCP, the port number as text. */
    public static String trsvcid(ByteBuf b, int base) {
        return FixedText.read(b, base + TRSVCID_OFFSET, TRSVCID_LENGTH);
    }

    public static void trsvcid(ByteBuf b, int base, String value) {
        FixedText.writeSpacePadded(b, base + TRSVCID_OFFSET, TRSVCID_LENGTH, value);
    }

    public static String subnqn(ByteBuf b, int base) {
        return FixedText.read(b, base + SUBNQN_OFFSET, SUBNQN_LENGTH);
    }

    /** Writes the NQN's UTF-8 bytes; the rest of the field stays as it is (zero: NUL-terminated). */
    public static void subnqn(ByteBuf b, int base, String value) {
        b.setBytes(base + SUBNQN_OFFSET, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Transport address: for TCP, the IP address as text. */
    public static String traddr(ByteBuf b, int base) {
        return FixedText.read(b, base + TRADDR_OFFSET, TRADDR_LENGTH);
    }

    public static void traddr(ByteBuf b, int base, String value) {
        FixedText.writeSpacePadded(b, base + TRADDR_OFFSET, TRADDR_LENGTH, value);
    }
}
