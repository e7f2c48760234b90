package io.basalt.nvmet.controller;

import io.basalt.nvme.Status;
import io.basalt.nvme.discovery.Discovery;
import io.basalt.volume.HostAccess;
import io.basalt.nvmet.subsystem.Subsystem;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

import static io.basalt.nvme.fabrics.Connect.CATTR_DISABLE_SQ_FLOW_CONTROL;
import static io.basalt.nvme.fabrics.Connect.CATTR_OFFSET;
import static io.basalt.nvme.fabrics.Connect.CNTLID_OFFSET;
import static io.basalt.nvme.fabrics.Connect.HOSTID_OFFSET;
import static io.basalt.nvme.fabrics.Connect.HOSTNQN_OFFSET;
import static io.basalt.nvme.fabrics.Connect.KATO_OFFSET;
import static io.basalt.nvme.fabrics.Connect.NQN_FIELD_LENGTH;
import static io.basalt.nvme.fabrics.Connect.QID_OFFSET;
import static io.basalt.nvme.fabrics.Connect.RECFMT_OFFSET;
import static io.basalt.nvme.fabrics.Connect.SQSIZE_OFFSET;
import static io.basalt.nvme.fabrics.Connect.SUBNQN_OFFSET;

/**
 * The Fabrics Connect command: creates a controller (admin queue, QID 0) or attaches an I/O queue
 * to an existing one. Every refusal carries DNR so hosts do not retry in a loop, and Invalid
 * Parameters names the offending field (IATTR/IPO in the result).
 */
public final class Connect {
    private static final Logger LOG = LoggerFactory.getLogger(Connect.class);

    /** Result bit 16 (IATTR): the invalid parameter is in the Connect data, not the SQE. */
    static final int IATTR_DATA = 1 << 16;

    private Connect() {
    }

    public static int execute(Command req) {
        ByteBuf sqe = req.sqe();
        ByteBuf data = req.data();
        Queue q = req.queue();
        int recfmt = sqe.getUnsignedShortLE(RECFMT_OFFSET);
        int qid = sqe.getUnsignedShortLE(QID_OFFSET);
        int sqsize = sqe.getUnsignedShortLE(SQSIZE_OFFSET);
        int cattr = sqe.getUnsignedByte(CATTR_OFFSET);
        int kato = sqe.getIntLE(KATO_OFFSET);
        if (recfmt != 0) {
            return Status.CONNECT_INCOMPATIBLE_FORMAT | Status.DNR;
        }
        int base = data.readerIndex();
        byte[] hostId = new byte[16];
        data.getBytes(base + HOSTID_OFFSET, hostId);
        int cntlid = data.getUnsignedShortLE(base + CNTLID_OFFSET);
        String subNqn = nqnField(data, base + SUBNQN_OFFSET);
        String hostNqn = nqnField(data, base + HOSTNQN_OFFSET);
        int maxEntries = q.config().maxQueueEntries();
        if (sqsize == 0 || sqsize >= maxEntries) {
            return invalidParameter(req, SQSIZE_OFFSET);
        }
        // A field without its NUL is malformed. An empty host NQN is not: it is an anonymous host
        // (SPDK's initiator sends one by default), admitted when something is open to any host.
        if (subNqn == null) {
            return invalidParameter(req, IATTR_DATA | SUBNQN_OFFSET);
        }
        if (hostNqn == null) {
            return invalidParameter(req, IATTR_DATA | HOSTNQN_OFFSET);
        }
        return qid == 0 ? connectAdmin(req, subNqn, hostNqn, hostId, sqsize, cattr, kato)
                : connectIo(req, qid, cntlid, subNqn, hostNqn, sqsize, cattr);
    }

    private static int connectAdmin(Command req, String subNqn, String hostNqn, byte[] hostId, int sqsize,
                                    int cattr, int kato) {
        Queue q = req.queue();
        ControllerRegistry registry = q.registry();
        Subsystem subsystem = registry.subsystem();
        boolean discovery = Discovery.NQN.equals(subNqn);
        if (!discovery && (q.port().discoveryOnly() || !subsystem.nqn().equals(subNqn))) {
            if (q.transport().mayLogError("Connect refused: unknown subsystem")) {
                LOG.info("refused Connect from {} ({}): unknown subsystem {}", HostAccess.describe(hostNqn),
                        q.transport().remoteAddress(), subNqn);
            }
            return invalidParameter(req, IATTR_DATA | SUBNQN_OFFSET);
        }
        if (!discovery && !subsystem.admits(hostNqn)) {
            if (q.transport().mayLogError("Connect refused: host allowed no namespace")) {
                LOG.info("refused Connect from {} ({}): host is allowed no namespace", HostAccess.describe(hostNqn),
                        q.transport().remoteAddress());
            }
            return Status.CONNECT_INVALID_HOST | Status.DNR;
        }
        Controller c = registry.create(discovery, hostNqn, hostId, q, Math.max(0, kato));
        if (c == null) {
            return Status.CONNECT_CONTROLLER_BUSY | Status.DNR;
        }
        q.bind(c, 0, sqsize + 1, (cattr & CATTR_DISABLE_SQ_FLOW_CONTROL) != 0);
        c.start();
        if (q.transport().mayLogLifecycle("host connected")) {
            LOG.info("host {} connected from {}: {} created, admin queue size {}, KATO {} ms{}",
                    HostAccess.describe(hostNqn), q.transport().remoteAddress(), c, sqsize + 1, kato,
                    hostNqn.isEmpty() ? " (empty host NQN: it sees only volumes open to any host)" : "");
        }
        req.setResult(c.cntlid());
        return Status.SUCCESS;
    }

    private static int connectIo(Command req, int qid, int cntlid, String subNqn, String hostNqn, int sqsize,
                                 int cattr) {
        Queue q = req.queue();
        Controller c = q.registry().get(cntlid);
        if (c != null && !c.subsystemNqn().equals(subNqn)) {
            return invalidParameter(req, IATTR_DATA | SUBNQN_OFFSET);
        }
        if (c == null || c.isShutDown() || !c.hostNqn().equals(hostNqn)) {
            return invalidParameter(req, IATTR_DATA | CNTLID_OFFSET);
        }
        if (c.isDiscovery() || qid > c.grantedIoQueues()) {
            return invalidParameter(req, QID_OFFSET);
        }
        if (!c.ready()) {
            return Status.COMMAND_SEQUENCE_ERROR | Status.DNR;
        }
        if (!c.addIoQueue(q, qid)) {
            return Status.COMMAND_SEQUENCE_ERROR | Status.DNR;
        }
        q.bind(c, qid, sqsize + 1, (cattr & CATTR_DISABLE_SQ_FLOW_CONTROL) != 0);
        if (c.isShutDown()) {
            // The controller went away while we attached: do not leave an orphan queue.
            q.transport().close("controller shut down during connect");
        }
        LOG.debug("{}: I/O queue {} connected, size {}", c, qid, sqsize + 1);
        return Status.SUCCESS;
    }

    private static int invalidParameter(Command req, int attributeAndOffset) {
        req.setResult(attributeAndOffset & 0xFFFFFFFFL);
        return Status.CONNECT_INVALID_PARAMETERS | Status.DNR;
    }

    /** An NQN field: UTF-8 up to the first NUL within 256 bytes; null if it has no NUL. */
    static String nqnField(ByteBuf b, int index) {
        int len = 0;
        while (len < NQN_FIELD_LENGTH && b.getByte(index + len) != 0) {
            len++;
        }
        return len == NQN_FIELD_LENGTH ? null : b.toString(index, len, StandardCharsets.UTF_8).trim();
    }
}
