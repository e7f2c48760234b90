package io.basalt.target.discovery;

import io.basalt.target.admin.LogPageRequest;
import io.basalt.target.controller.Controller;
import io.basalt.target.controller.Queue;
import io.basalt.target.subsystem.Subsystem;
import io.netty.buffer.ByteBuf;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The discovery log page (70h): a 1024-byte header (generation counter, record count, format)
 * followed by one 1024-byte entry per subsystem port the host may connect to.
 *
 * <pre>
 * entry: trtype@0 adrfam@1 subtype@2 treq@3 portid@4(le16) cntlid@6(le16) asqsz@8(le16)
 *        trsvcid[32]@32 subnqn[256]@256 traddr[256]@512 tsas[256]@768
 * </pre>
 */
public final class DiscoveryLogPage {
    public static final int HEADER_LENGTH = 1024;
    public static final int ENTRY_LENGTH = 1024;
    static final int GENCTR_OFFSET = 0;
    static final int NUMREC_OFFSET = 8;
    static final int RECFMT_OFFSET = 16;

    static final int TRTYPE_OFFSET = 0;
    static final int ADRFAM_OFFSET = 1;
    static final int SUBTYPE_OFFSET = 2;
    static final int TREQ_OFFSET = 3;
    static final int PORTID_OFFSET = 4;
    static final int CNTLID_OFFSET = 6;
    static final int ASQSZ_OFFSET = 8;
    static final int TRSVCID_OFFSET = 32;
    static final int SUBNQN_OFFSET = 256;
    static final int TRADDR_OFFSET = 512;

    static final int TRTYPE_TCP = 3;
    static final int ADRFAM_IPV4 = 1;
    static final int ADRFAM_IPV6 = 2;
    static final int SUBTYPE_NVM = 2;
    /** Secure channel not specified (TLS is not offered); SQ flow control disable supported (bit 2). */
    static final int TREQ = 0x04;
    static final int ADMIN_QUEUE_SIZE = 32;

    private DiscoveryLogPage() {
    }

    /** Builds the whole page as the given controller's host should see it. */
    static ByteBuf build(Controller c, Queue q) {
        Subsystem s = c.subsystem();
        boolean listed = s.admits(c.hostNqn());
        int records = listed ? 1 : 0;
        ByteBuf b = LogPageRequest.page(HEADER_LENGTH + records * ENTRY_LENGTH);
        b.setLongLE(GENCTR_OFFSET, s.generation());
        b.setLongLE(NUMREC_OFFSET, records);
        b.setShortLE(RECFMT_OFFSET, 0);
        if (listed) {
            InetSocketAddress io = advertisedAddress(q);
            int e = HEADER_LENGTH;
            b.setByte(e + TRTYPE_OFFSET, TRTYPE_TCP);
            b.setByte(e + ADRFAM_OFFSET, io.getAddress() instanceof Inet6Address ? ADRFAM_IPV6 : ADRFAM_IPV4);
            b.setByte(e + SUBTYPE_OFFSET, SUBTYPE_NVM);
            b.setByte(e + TREQ_OFFSET, TREQ);
            b.setShortLE(e + PORTID_OFFSET, q.port().portId());
            b.setShortLE(e + CNTLID_OFFSET, 0xFFFF);
            b.setShortLE(e + ASQSZ_OFFSET, ADMIN_QUEUE_SIZE);
            padded(b, e + TRSVCID_OFFSET, 32, Integer.toString(io.getPort()));
            b.setBytes(e + SUBNQN_OFFSET, s.nqn().getBytes(StandardCharsets.UTF_8));
            padded(b, e + TRADDR_OFFSET, 256, io.getAddress().getHostAddress());
        }
        return b;
    }

    /**
     * The I/O port's address as the host can reach it: never a wildcard. If the I/O listener is bound
     * to any address, the host is told the address it reached this connection on.
     */
    static InetSocketAddress advertisedAddress(Queue q) {
        InetSocketAddress io = q.port().ioAddress();
        InetAddress addr = io.getAddress();
        if ((addr == null || addr.isAnyLocalAddress())
                && q.transport().localAddress() instanceof InetSocketAddress local) {
            return new InetSocketAddress(local.getAddress(), io.getPort());
        }
        return io;
    }

    /** ASCII, padded with spaces as the kernel target does for address fields. */
    private static void padded(ByteBuf b, int offset, int width, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < width; i++) {
            b.setByte(offset + i, i < bytes.length ? bytes[i] : ' ');
        }
    }
}
