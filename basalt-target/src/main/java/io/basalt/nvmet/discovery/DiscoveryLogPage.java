package io.basalt.nvmet.discovery;

import io.basalt.nvme.discovery.Discovery;
import io.basalt.nvme.discovery.DiscoveryLogEntry;
import io.basalt.nvme.discovery.DiscoveryLogHeader;
import io.basalt.nvmet.admin.LogPageRequest;
import io.basalt.nvmet.controller.Controller;
import io.basalt.nvmet.controller.Queue;
import io.basalt.nvmet.subsystem.Subsystem;
import io.netty.buffer.ByteBuf;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Builds the discovery log page ({@link Discovery#LOG_PAGE_ID}): a {@link DiscoveryLogHeader}
 * followed by one {@link DiscoveryLogEntry} per subsystem port the host may connect to.
 */
public final class DiscoveryLogPage {
    /** Secure channel not specified (TLS is not offered); SQ flow control disable supported. */
    static final int TREQ = DiscoveryLogEntry.TREQ_SQ_FLOW_CONTROL_DISABLE;
    static final int ADMIN_QUEUE_SIZE = 32;

    private DiscoveryLogPage() {
    }

    /** Builds the whole page as the given controller's host should see it. */
    static ByteBuf build(Controller c, Queue q) {
        Subsystem s = c.subsystem();
        boolean listed = s.admits(c.hostNqn());
        int records = listed ? 1 : 0;
        ByteBuf b = LogPageRequest.page(DiscoveryLogHeader.LENGTH + records * DiscoveryLogEntry.LENGTH);
        DiscoveryLogHeader.genctr(b, 0, s.generation());
        DiscoveryLogHeader.numrec(b, 0, records);
        DiscoveryLogHeader.recfmt(b, 0, 0);
        if (listed) {
            InetSocketAddress io = advertisedAddress(q);
            int e = DiscoveryLogHeader.LENGTH;
            DiscoveryLogEntry.trtype(b, e, DiscoveryLogEntry.TRTYPE_TCP);
            DiscoveryLogEntry.adrfam(b, e, io.getAddress() instanceof Inet6Address
                    ? DiscoveryLogEntry.ADRFAM_IPV6 : DiscoveryLogEntry.ADRFAM_IPV4);
            DiscoveryLogEntry.subtype(b, e, DiscoveryLogEntry.SUBTYPE_NVM);
            DiscoveryLogEntry.treq(b, e, TREQ);
            DiscoveryLogEntry.portid(b, e, q.port().portId());
            DiscoveryLogEntry.cntlid(b, e, DiscoveryLogEntry.CNTLID_DYNAMIC);
            DiscoveryLogEntry.asqsz(b, e, ADMIN_QUEUE_SIZE);
            DiscoveryLogEntry.trsvcid(b, e, Integer.toString(io.getPort()));
            DiscoveryLogEntry.subnqn(b, e, s.nqn());
            DiscoveryLogEntry.traddr(b, e, io.getAddress().getHostAddress());
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
}
