package io.basalt.nvmet.discovery;

import io.basalt.nvme.discovery.Discovery;
import io.basalt.nvme.discovery.DiscoveryLogEntry;
import io.basalt.nvme.discovery.DiscoveryLogHeader;
import io.basalt.nvmet.admin.LogPageRequest;
import io.basalt.nvmet.controller.Controller;
import io.basalt.nvmet.controller.Queue;
import io.basalt.nvmet.subsystem.PathAddress;
import io.basalt.nvmet.subsystem.Subsystem;
import io.netty.buffer.ByteBuf;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

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

    /**
     * Builds the whole page as the given controller's host should see it: this brick's I/O port,
     * then every other brick's port of the same subsystem ({@link Subsystem#peerPaths}), so that
     * {@code nvme connect-all} opens one path per brick. A host that may see no namespace gets
     * no entry at all.
     */
    static ByteBuf build(Controller c, Queue q) {
        Subsystem s = c.subsystem();
        // One snapshot of the peers and the generation, so the header counts what the page holds.
        long generation = s.generation();
        List<PathAddress> peers = s.peerPaths();
        boolean listed = s.admits(c.hostNqn());
        int records = listed ? 1 + peers.size() : 0;
        ByteBuf b = LogPageRequest.page(DiscoveryLogHeader.LENGTH + records * DiscoveryLogEntry.LENGTH);
        DiscoveryLogHeader.genctr(b, 0, generation);
        DiscoveryLogHeader.numrec(b, 0, records);
        DiscoveryLogHeader.recfmt(b, 0, 0);
        if (listed) {
            int e = DiscoveryLogHeader.LENGTH;
            PathAddress own = s.ownPath();
            if (own != null) {
                entry(b, e, s, own.ipv6(), own.traddr(), own.trsvcid(), own.portId());
            } else {
                InetSocketAddress io = advertisedAddress(q);
                entry(b, e, s, io.getAddress() instanceof Inet6Address, io.getAddress().getHostAddress(),
                        io.getPort(), q.port().portId());
            }
            for (PathAddress peer : peers) {
                e += DiscoveryLogEntry.LENGTH;
                entry(b, e, s, peer.ipv6(), peer.traddr(), peer.trsvcid(), peer.portId());
            }
        }
        return b;
    }

    private static void entry(ByteBuf b, int e, Subsystem s, boolean ipv6, String traddr, int trsvcid, int portId) {
        DiscoveryLogEntry.trtype(b, e, DiscoveryLogEntry.TRTYPE_TCP);
        DiscoveryLogEntry.adrfam(b, e, ipv6 ? DiscoveryLogEntry.ADRFAM_IPV6 : DiscoveryLogEntry.ADRFAM_IPV4);
        DiscoveryLogEntry.subtype(b, e, DiscoveryLogEntry.SUBTYPE_NVM);
        DiscoveryLogEntry.treq(b, e, TREQ);
        DiscoveryLogEntry.portid(b, e, portId);
        DiscoveryLogEntry.cntlid(b, e, DiscoveryLogEntry.CNTLID_DYNAMIC);
        DiscoveryLogEntry.asqsz(b, e, ADMIN_QUEUE_SIZE);
        DiscoveryLogEntry.trsvcid(b, e, Integer.toString(trsvcid));
        DiscoveryLogEntry.subnqn(b, e, s.nqn());
        DiscoveryLogEntry.traddr(b, e, traddr);
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
