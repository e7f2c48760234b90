package io.basalt.initiator;

import io.basalt.nvme.admin.FeatureIds;
import io.basalt.nvme.fabrics.Connect;
import io.basalt.nvme.fabrics.ControllerProperties;
import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Sqe;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A controller on a target, host side: the admin queue and the I/O queues, set up as the Linux
 * host does (ICReq, Connect, Property Get CAP, Property Set CC.EN, wait for CSTS.RDY, Identify,
 * Set Features Number of Queues, one Connect per I/O queue), with keep-alive at KATO/2. The admin
 * commands and the keep-alive are {@link AdminQueue}'s; this class sets the controller up, hands
 * out its queues, and re-establishes it when a connection is lost.
 *
 * <p>Reconnection: when any of its connections drops or breaks the protocol, every command in flight
 * fails with {@link NvmeTransportException} and, as Linux does, the whole controller is
 * re-established (new admin queue, new controller ID, the same {@link IoQueue} objects on the same
 * event loops), retrying every {@code reconnectDelayMillis} until {@code controllerLossTimeoutMillis}
 * has passed; then the controller is failed for good. Meanwhile new commands fail at once.
 *
 * <p>Asynchronous events: after {@link #enableAsyncEvents} one Asynchronous Event Request stays
 * outstanding (it has no command timeout), re-sent after each event and after each reconnection,
 * whose listener is told that events may have been missed.
 *
 * <p>The admin methods block the calling thread; do not call them on an event loop.
 */
public final class NvmeController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NvmeController.class);

    /** CC: EN, IOSQES = 6 (64-byte SQE), IOCQES = 4 (16-byte CQE), MPS 0, CSS NVM. */
    static final long CC_ENABLE = 1 | (6 << 16) | (4 << 20);
    /** Asynchronous Event Configuration bit 11: Asymmetric Namespace Access Change notices. */
    public static final int ASYNC_EVENT_ANA_CHANGE = 1 << 11;

    enum State { CONNECTING, LIVE, RESETTING, FAILED, CLOSED }

    private final NvmeTcpInitiator initiator;
    private final InetSocketAddress address;
    private final String subnqn;
    private final InitiatorConfig config;
    private final boolean discovery;
    private final AdminQueue adminQueue;
    private volatile State state = State.CONNECTING;
    private volatile IoQueue[] ioQueues = new IoQueue[0];
    private volatile ControllerInfo info;
    private volatile int cntlid;
    private volatile long cap;
    private int generation;
    private volatile int asyncEventConfig;
    private volatile AsyncEventListener asyncEventListener;

    NvmeController(NvmeTcpInitiator initiator, InetSocketAddress address, String subnqn, InitiatorConfig config,
                   boolean discovery) {
        this.initiator = initiator;
        this.address = address;
        this.subnqn = subnqn;
        this.config = config;
        this.discovery = discovery;
        this.adminQueue = new AdminQueue(name(0), config);
    }

    /** Sets the controller up; on failure everything opened is closed again. */
    void start() {
        try {
            establish(true);
            state = State.LIVE;
        } catch (RuntimeException e) {
            closeConnections();
            state = State.FAILED;
            throw e;
        }
    }

    public InetSocketAddress address() {
        return address;
    }

    public String subsystemNqn() {
        return subnqn;
    }

    /** Identify Controller as read at the last (re)connection. */
    public ControllerInfo info() {
        return info;
    }

    public int cntlid() {
        return cntlid;
    }

    /** The CAP property. */
    public long capabilities() {
        return cap;
    }

    public List<IoQueue> ioQueues() {
        return List.of(ioQueues);
    }

    public IoQueue ioQueue(int index) {
        return ioQueues[index];
    }

    /** True while connected and not reconnecting. */
    public boolean isLive() {
        return state == State.LIVE;
    }

    /** True once reconnection gave up or was not allowed. */
    public boolean isFailed() {
        return state == State.FAILED;
    }

    /** How many times the controller was set up (1 + reconnections). */
    public synchronized int generation() {
        return generation;
    }

    int maxTransferSize() {
        ControllerInfo i = info;
        return i == null ? Integer.MAX_VALUE : i.maxTransferSize();
    }

    // ---- setup ------------------------------------------------------------------------------

    private void establish(boolean first) {
        // The connection's own ICResp timer fires first and says why.
        long timeout = config.connectTimeoutMillis() + 1000L;
        QueueConnection a = Await.result(QueueConnection.open(name(0), 0, InitiatorConfig.ADMIN_QUEUE_DEPTH, config,
                initiator.eventLoop(0), initiator.channelClass(), address, false, this::connectionLost), timeout,
                "admin queue ICReq");
        adminQueue.attach(a);
        int id = (int) connect(a, 0, InitiatorConfig.ADMIN_QUEUE_DEPTH, 0xFFFF) & 0xFFFF;
        cntlid = id;
        cap = propertyGet(ControllerProperties.CAP, true);
        propertySet(ControllerProperties.CC, CC_ENABLE);
        waitReady();
        ControllerInfo ci = identifyController();
        String problem = ci.problem(id, discovery);
        if (problem != null) {
            throw new NvmeTransportException(name(0) + ": unusable controller: " + problem);
        }
        info = ci;
        if (discovery || config.ioQueues() == 0) {
            adminQueue.startKeepAlive();
            synchronized (this) {
                generation++;
            }
            return;
        }
        int mqes = (int) (cap & 0xFFFF) + 1;
        if (config.queueDepth() > mqes) {
            throw new NvmeTransportException(name(0) + ": queue depth " + config.queueDepth()
                    + " exceeds the controller's maximum of " + mqes + " (CAP.MQES)");
        }
        int want = config.ioQueues();
        long granted = setFeatures(FeatureIds.NUMBER_OF_QUEUES, ((want - 1) << 16) | (want - 1));
        int count = (int) Math.min(want, Math.min((granted & 0xFFFF) + 1, ((granted >> 16) & 0xFFFF) + 1));
        if (first) {
            IoQueue[] qs = new IoQueue[count];
            for (int i = 0; i < count; i++) {
                qs[i] = new IoQueue(this, i + 1, initiator.eventLoop(i));
            }
            ioQueues = qs;
        } else if (count < ioQueues.length) {
            throw new NvmeTransportException(name(0) + ": controller now grants " + count + " I/O queues, "
                    + ioQueues.length + " were in use");
        }
        List<CompletableFuture<QueueConnection>> opening = new ArrayList<>();
        for (IoQueue q : ioQueues) {
            opening.add(QueueConnection.open(name(q.qid()), q.qid(), config.queueDepth(), config, q.eventLoop(),
                    initiator.channelClass(), address, config.disableSqFlowControl(), this::connectionLost));
        }
        for (int i = 0; i < ioQueues.length; i++) {
            QueueConnection c = Await.result(opening.get(i), timeout, "I/O queue ICReq");
            connect(c, ioQueues[i].qid(), config.queueDepth(), id);
            c.inCapsuleLimit(ci.inCapsuleDataSize());
            ioQueues[i].attach(c);
        }
        adminQueue.startKeepAlive();
        if (!first) {
            armAsyncEvents();
        }
        synchronized (this) {
            generation++;
        }
    }

    private String name(int qid) {
        return (qid == 0 ? "admin queue" : "I/O queue " + qid) + " of " + subnqn + " at " + address;
    }

    /** Fabrics Connect; returns the completion result (the controller ID for the admin queue). */
    private long connect(QueueConnection c, int qid, int depth, int cntlidToUse) {
        ByteBuf data = Unpooled.buffer(Connect.DATA_LENGTH).writeZero(Connect.DATA_LENGTH);
        // The host identifier: the UUID's 16 bytes in their usual (big-endian) order, as nvme-cli writes it.
        byte[] id = uuidBytes(config.hostId());
        data.setBytes(Connect.HOSTID_OFFSET, id);
        data.setShortLE(Connect.CNTLID_OFFSET, cntlidToUse);
        data.setBytes(Connect.SUBNQN_OFFSET, subnqn.getBytes(StandardCharsets.UTF_8));
        data.setBytes(Connect.HOSTNQN_OFFSET, config.hostNqn().getBytes(StandardCharsets.UTF_8));
        int cattr = qid != 0 && config.disableSqFlowControl() ? Connect.CATTR_DISABLE_SQ_FLOW_CONTROL : 0;
        int kato = qid == 0 ? config.keepAliveMillis() : 0;
        return AdminQueue.call(c, "Connect", sqe -> {
            sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.FABRICS);
            sqe.setByte(Sqe.FCTYPE_OFFSET, Opcodes.FCTYPE_CONNECT);
            sqe.setShortLE(Connect.RECFMT_OFFSET, 0);
            sqe.setShortLE(Connect.QID_OFFSET, qid);
            sqe.setShortLE(Connect.SQSIZE_OFFSET, depth - 1);
            sqe.setByte(Connect.CATTR_OFFSET, cattr);
            sqe.setIntLE(Connect.KATO_OFFSET, kato);
        }, Opcodes.XFER_HOST_TO_CONTROLLER, data, Connect.DATA_LENGTH, config);
    }

    private static byte[] uuidBytes(java.util.UUID u) {
        return java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array();
    }

    private void waitReady() {
        long toMillis = Math.max(config.connectTimeoutMillis(), ((cap >> 24) & 0xFF) * 500);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(toMillis);
        while (true) {
            long csts = propertyGet(ControllerProperties.CSTS, false);
            if ((csts & 0x2) != 0) {
                throw new NvmeTransportException(name(0) + ": controller fatal status (CSTS.CFS) after enable");
            }
            if ((csts & 0x1) != 0) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new NvmeTransportException(name(0) + ": CSTS.RDY not set within " + toMillis + " ms");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NvmeTransportException("interrupted", e);
            }
        }
    }

    // ---- admin commands (on the admin queue; see AdminQueue) --------------------------------

    public long propertyGet(int offset, boolean eightBytes) {
        return adminQueue.propertyGet(offset, eightBytes);
    }

    public void propertySet(int offset, long value) {
        adminQueue.propertySet(offset, value);
    }

    /** Identify with the given CNS; returns a 4096-byte heap buffer. */
    public ByteBuf identify(int cns, int nsid) {
        return adminQueue.identify(cns, nsid);
    }

    public ControllerInfo identifyController() {
        return ControllerInfo.parse(identify(1, 0), 0);
    }

    public NamespaceInfo identifyNamespace(int nsid) {
        return NamespaceInfo.parse(nsid, identify(0, nsid), 0);
    }

    /** The active namespace IDs (CNS 02h), ascending. */
    public List<Integer> activeNamespaces() {
        return adminQueue.activeNamespaces();
    }

    public long setFeatures(int fid, int cdw11) {
        return adminQueue.setFeatures(fid, cdw11);
    }

    public long getFeatures(int fid) {
        return adminQueue.getFeatures(fid);
    }

    /** Get Log Page: {@code length} bytes (a multiple of 4) from byte {@code offset} (LPO). */
    public ByteBuf getLogPage(int lid, long offset, int length, boolean retainAsyncEvent) {
        return adminQueue.getLogPage(lid, offset, length, retainAsyncEvent);
    }

    /**
     * Reads the discovery log page as libnvme does: the header, then the entries with LPO in 4 KiB
     * chunks, then the header again, retrying until the generation counter is stable.
     */
    public DiscoveryLog discoveryLog() {
        return adminQueue.discoveryLog();
    }

    /** Sends one Keep Alive and waits for it. */
    public void keepAlive() {
        adminQueue.keepAlive();
    }

    /**
     * Enables the asynchronous events in {@code config} (Set Features Asynchronous Event
     * Configuration, e.g. {@link #ASYNC_EVENT_ANA_CHANGE}) and keeps one Asynchronous Event Request
     * outstanding from now on, re-sent after every event and on every reconnection (which also
     * sets the configuration again). Events reach {@code listener} on an event loop: it must not
     * block. One listener per controller; a second call replaces the first.
     */
    public void enableAsyncEvents(int config, AsyncEventListener listener) {
        setFeatures(FeatureIds.ASYNC_EVENT_CONFIG, config);
        boolean armed = asyncEventListener != null;
        asyncEventConfig = config;
        asyncEventListener = listener;
        if (!armed) {
            adminQueue.armAsyncEvents(this::asyncEvent);
        }
    }

    private void armAsyncEvents() {
        if (asyncEventListener != null) {
            setFeatures(FeatureIds.ASYNC_EVENT_CONFIG, asyncEventConfig);
            adminQueue.armAsyncEvents(this::asyncEvent);
        }
    }

    private void asyncEvent(int result) {
        AsyncEventListener l = asyncEventListener;
        if (l != null) {
            l.onAsyncEvent(this, result);
        }
    }

    // ---- reconnection -----------------------------------------------------------------------

    private void connectionLost(QueueConnection c, NvmeTransportException cause) {
        synchronized (this) {
            if (state != State.LIVE) {
                return;
            }
            if (config.controllerLossTimeoutMillis() == 0) {
                LOG.warn("{}: {}; reconnection is off, the controller has failed", subnqn, cause.getMessage());
                state = State.FAILED;
            } else {
                LOG.warn("{}: {}; reconnecting", subnqn, cause.getMessage());
                state = State.RESETTING;
            }
        }
        adminQueue.stopKeepAlive();
        closeConnections();
        if (state == State.RESETTING) {
            initiator.control().execute(this::reconnect);
        }
    }

    private void reconnect() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.controllerLossTimeoutMillis());
        while (state == State.RESETTING) {
            try {
                Thread.sleep(config.reconnectDelayMillis());
            } catch (InterruptedException e) {
                break;
            }
            if (state != State.RESETTING) {
                return;
            }
            try {
                establish(false);
                boolean live = false;
                synchronized (this) {
                    if (state != State.RESETTING) {
                        closeConnections();
                        return;
                    }
                    if (allConnected()) {
                        state = State.LIVE;
                        live = true;
                        LOG.info("{} at {}: reconnected as controller {}", subnqn, address, cntlid);
                    }
                }
                if (live) {
                    AsyncEventListener l = asyncEventListener;
                    if (l != null) {
                        l.onReconnected(this);
                    }
                    return;
                }
                LOG.info("{}: a queue dropped during reconnection; trying again", subnqn);
            } catch (RuntimeException e) {
                LOG.info("{} at {}: reconnection failed: {}", subnqn, address, e.getMessage());
            }
            adminQueue.stopKeepAlive();
            closeConnections();
            if (System.nanoTime() - deadline > 0) {
                break;
            }
        }
        synchronized (this) {
            if (state == State.RESETTING) {
                LOG.warn("{} at {}: gave up reconnecting after {} ms", subnqn, address,
                        config.controllerLossTimeoutMillis());
                state = State.FAILED;
            }
        }
    }

    private boolean allConnected() {
        QueueConnection a = adminQueue.connection();
        if (a == null || !a.isReady()) {
            return false;
        }
        for (IoQueue q : ioQueues) {
            if (!q.isConnected()) {
                return false;
            }
        }
        return true;
    }

    private void closeConnections() {
        QueueConnection a = adminQueue.connection();
        if (a != null) {
            a.close();
        }
        for (IoQueue q : ioQueues) {
            QueueConnection c = q.connection();
            if (c != null) {
                c.close();
            }
        }
    }

    /** Closes every connection (the target frees the controller when its admin queue goes). */
    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        adminQueue.stopKeepAlive();
        closeConnections();
        initiator.forget(this);
    }

    @Override
    public String toString() {
        return "controller " + cntlid + " of " + subnqn + " at " + address;
    }
}
