package io.basalt.initiator;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Sqe;
import io.basalt.nvme.discovery.Discovery;
import io.basalt.nvme.discovery.DiscoveryLogEntry;
import io.basalt.nvme.discovery.DiscoveryLogHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A controller on a target, host side: the admin queue and the I/O queues, set up as the Linux
 * host does (ICReq, Connect, Property Get CAP, Property Set CC.EN, wait for CSTS.RDY, Identify,
 * Set Features Number of Queues, one Connect per I/O queue), with keep-alive at KATO/2.
 *
 * <p>Reconnection: when any of its connections drops or breaks the protocol, every command in flight
 * fails with {@link NvmeTransportException} and, as Linux does, the whole controller is
 * re-established (new admin queue, new controller ID, the same {@link IoQueue} objects on the same
 * event loops), retrying every {@code reconnectDelayMillis} until {@code controllerLossTimeoutMillis}
 * has passed; then the controller is failed for good. Meanwhile new commands fail at once.
 *
 * <p>The admin methods block the calling thread; do not call them on an event loop.
 */
public final class NvmeController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NvmeController.class);

    static final int PROP_CAP = 0x00;
    static final int PROP_VS = 0x08;
    static final int PROP_CC = 0x14;
    static final int PROP_CSTS = 0x1C;
    /** CC: EN, IOSQES = 6 (64-byte SQE), IOCQES = 4 (16-byte CQE), MPS 0, CSS NVM. */
    static final long CC_ENABLE = 1 | (6 << 16) | (4 << 20);
    static final int FID_NUMBER_OF_QUEUES = 0x07;
    static final int CATTR_DISABLE_SQ_FLOW_CONTROL = 0x04;

    enum State { CONNECTING, LIVE, RESETTING, FAILED, CLOSED }

    private final NvmeTcpInitiator initiator;
    private final InetSocketAddress address;
    private final String subnqn;
    private final InitiatorConfig config;
    private final boolean discovery;
    private volatile State state = State.CONNECTING;
    private volatile QueueConnection admin;
    private volatile IoQueue[] ioQueues = new IoQueue[0];
    private volatile ControllerInfo info;
    private volatile int cntlid;
    private volatile long cap;
    private ScheduledFuture<?> keepAlive;
    private boolean keepAliveOutstanding;
    private int generation;

    NvmeController(NvmeTcpInitiator initiator, InetSocketAddress address, String subnqn, InitiatorConfig config,
                   boolean discovery) {
        this.initiator = initiator;
        this.address = address;
        this.subnqn = subnqn;
        this.config = config;
        this.discovery = discovery;
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
        QueueConnection a = await(QueueConnection.open(name(0), 0, InitiatorConfig.ADMIN_QUEUE_DEPTH, config,
                initiator.eventLoop(0), initiator.channelClass(), address, false, this::connectionLost), timeout,
                "admin queue ICReq");
        admin = a;
        int id = (int) connect(a, 0, InitiatorConfig.ADMIN_QUEUE_DEPTH, 0xFFFF) & 0xFFFF;
        cntlid = id;
        cap = propertyGet(PROP_CAP, true);
        propertySet(PROP_CC, CC_ENABLE);
        waitReady();
        ControllerInfo ci = identifyController();
        String problem = ci.problem(id, discovery);
        if (problem != null) {
            throw new NvmeTransportException(name(0) + ": unusable controller: " + problem);
        }
        info = ci;
        if (discovery || config.ioQueues() == 0) {
            startKeepAlive();
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
        long granted = setFeatures(FID_NUMBER_OF_QUEUES, ((want - 1) << 16) | (want - 1));
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
            QueueConnection c = await(opening.get(i), timeout, "I/O queue ICReq");
            connect(c, ioQueues[i].qid(), config.queueDepth(), id);
            c.inCapsuleLimit(ci.inCapsuleDataSize());
            ioQueues[i].attach(c);
        }
        startKeepAlive();
        synchronized (this) {
            generation++;
        }
    }

    private String name(int qid) {
        return (qid == 0 ? "admin queue" : "I/O queue " + qid) + " of " + subnqn + " at " + address;
    }

    /** Fabrics Connect; returns the completion result (the controller ID for the admin queue). */
    private long connect(QueueConnection c, int qid, int depth, int cntlidToUse) {
        ByteBuf data = Unpooled.buffer(1024).writeZero(1024);
        // The host identifier: the UUID's 16 bytes in their usual (big-endian) order, as nvme-cli writes it.
        byte[] id = uuidBytes(config.hostId());
        data.setBytes(0, id);
        data.setShortLE(16, cntlidToUse);
        data.setBytes(256, subnqn.getBytes(StandardCharsets.UTF_8));
        data.setBytes(512, config.hostNqn().getBytes(StandardCharsets.UTF_8));
        int cattr = qid != 0 && config.disableSqFlowControl() ? CATTR_DISABLE_SQ_FLOW_CONTROL : 0;
        int kato = qid == 0 ? config.keepAliveMillis() : 0;
        return call(c, "Connect", sqe -> {
            sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.FABRICS);
            sqe.setByte(Sqe.FCTYPE_OFFSET, Opcodes.FCTYPE_CONNECT);
            sqe.setShortLE(Sqe.CDW10_OFFSET, 0); // RECFMT
            sqe.setShortLE(Sqe.CDW10_OFFSET + 2, qid);
            sqe.setShortLE(Sqe.CDW11_OFFSET, depth - 1);
            sqe.setByte(Sqe.CDW11_OFFSET + 2, cattr);
            sqe.setIntLE(Sqe.CDW12_OFFSET, kato);
        }, Opcodes.XFER_HOST_TO_CONTROLLER, data, 1024);
    }

    private static byte[] uuidBytes(java.util.UUID u) {
        return java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array();
    }

    private void waitReady() {
        long toMillis = Math.max(config.connectTimeoutMillis(), ((cap >> 24) & 0xFF) * 500);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(toMillis);
        while (true) {
            long csts = propertyGet(PROP_CSTS, false);
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

    // ---- admin commands ---------------------------------------------------------------------

    public long propertyGet(int offset, boolean eightBytes) {
        return call(admin, "Property Get", sqe -> {
            sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.FABRICS);
            sqe.setByte(Sqe.FCTYPE_OFFSET, Opcodes.FCTYPE_PROPERTY_GET);
            sqe.setByte(Sqe.CDW10_OFFSET, eightBytes ? 1 : 0);
            sqe.setIntLE(Sqe.CDW11_OFFSET, offset);
        }, Opcodes.XFER_NONE, null, 0);
    }

    public void propertySet(int offset, long value) {
        call(admin, "Property Set", sqe -> {
            sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.FABRICS);
            sqe.setByte(Sqe.FCTYPE_OFFSET, Opcodes.FCTYPE_PROPERTY_SET);
            sqe.setByte(Sqe.CDW10_OFFSET, 0);
            sqe.setIntLE(Sqe.CDW11_OFFSET, offset);
            sqe.setLongLE(Sqe.CDW12_OFFSET, value);
        }, Opcodes.XFER_NONE, null, 0);
    }

    /** Identify with the given CNS; returns a 4096-byte heap buffer. */
    public ByteBuf identify(int cns, int nsid) {
        ByteBuf data = Unpooled.buffer(4096);
        call(admin, "Identify CNS " + cns, sqe -> {
            sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.ADMIN_IDENTIFY);
            sqe.setIntLE(Sqe.NSID_OFFSET, nsid);
            sqe.setIntLE(Sqe.CDW10_OFFSET, cns);
        }, Opcodes.XFER_CONTROLLER_TO_HOST, data, 4096);
        return data.writerIndex(4096);
    }

    public ControllerInfo identifyController() {
        return ControllerInfo.parse(identify(1, 0), 0);
    }

    public NamespaceInfo identifyNamespace(int nsid) {
        return NamespaceInfo.parse(nsid, identify(0, nsid), 0);
    }

    /** The active namespace IDs (CNS 02h), ascending. */
    public List<Integer> activeNamespaces() {
        ByteBuf b = identify(2, 0);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            int id = b.getIntLE(i * 4);
            if (id == 0) {
                break;
            }
            ids.add(id);
        }
        return ids;
    }

    public long setFeatures(int fid, int cdw11) {
        return call(admin, "Set Features " + fid, sqe -> {
            sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.ADMIN_SET_FEATURES);
            sqe.setIntLE(Sqe.CDW10_OFFSET, fid);
            sqe.setIntLE(Sqe.CDW11_OFFSET, cdw11);
        }, Opcodes.XFER_NONE, null, 0);
    }

    public long getFeatures(int fid) {
        return call(admin, "Get Features " + fid, sqe -> {
            sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.ADMIN_GET_FEATURES);
            sqe.setIntLE(Sqe.CDW10_OFFSET, fid);
        }, Opcodes.XFER_NONE, null, 0);
    }

    /** Get Log Page: {@code length} bytes (a multiple of 4) from byte {@code offset} (LPO). */
    public ByteBuf getLogPage(int lid, long offset, int length, boolean retainAsyncEvent) {
        if (length <= 0 || length % 4 != 0) {
            throw new IllegalArgumentException("log page length must be a positive multiple of 4");
        }
        ByteBuf data = Unpooled.buffer(length);
        int numd = length / 4 - 1;
        call(admin, "Get Log Page " + lid, sqe -> {
            sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.ADMIN_GET_LOG_PAGE);
            sqe.setIntLE(Sqe.NSID_OFFSET, 0);
            sqe.setIntLE(Sqe.CDW10_OFFSET, lid | (retainAsyncEvent ? 1 << 15 : 0) | ((numd & 0xFFFF) << 16));
            sqe.setIntLE(Sqe.CDW11_OFFSET, numd >>> 16);
            sqe.setLongLE(Sqe.CDW12_OFFSET, offset);
        }, Opcodes.XFER_CONTROLLER_TO_HOST, data, length);
        return data.writerIndex(length);
    }

    /**
     * Reads the discovery log page as libnvme does: the header, then the entries with LPO in 4 KiB
     * chunks, then the header again, retrying until the generation counter is stable.
     */
    public DiscoveryLog discoveryLog() {
        for (int attempt = 0; attempt < 10; attempt++) {
            ByteBuf header = getLogPage(Discovery.LOG_PAGE_ID, 0, DiscoveryLogHeader.LENGTH, true);
            long genctr = DiscoveryLogHeader.genctr(header, 0);
            long numrec = DiscoveryLogHeader.numrec(header, 0);
            if (numrec < 0 || numrec > 4096) {
                throw new NvmeTransportException(name(0) + ": implausible discovery NUMREC " + numrec);
            }
            int total = (int) numrec * DiscoveryLogEntry.LENGTH;
            ByteBuf entries = Unpooled.buffer(Math.max(total, 1));
            for (int off = 0; off < total; off += 4096) {
                int n = Math.min(4096, total - off);
                entries.writeBytes(getLogPage(Discovery.LOG_PAGE_ID, DiscoveryLogHeader.LENGTH + off, n, true));
            }
            ByteBuf again = getLogPage(Discovery.LOG_PAGE_ID, 0, DiscoveryLogHeader.LENGTH, false);
            if (DiscoveryLogHeader.genctr(again, 0) == genctr
                    && DiscoveryLogHeader.numrec(again, 0) == numrec) {
                List<DiscoveryEntry> list = new ArrayList<>();
                for (int i = 0; i < numrec; i++) {
                    list.add(DiscoveryEntry.parse(entries, i * DiscoveryLogEntry.LENGTH));
                }
                return new DiscoveryLog(genctr, List.copyOf(list));
            }
        }
        throw new NvmeTransportException(name(0) + ": discovery log kept changing while being read");
    }

    /** Sends one Keep Alive and waits for it. */
    public void keepAlive() {
        call(admin, "Keep Alive", sqe -> sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.ADMIN_KEEP_ALIVE),
                Opcodes.XFER_NONE, null, 0);
    }

    private long call(QueueConnection c, String what, Consumer<ByteBuf> sqe, int direction, ByteBuf data, int length) {
        if (c == null) {
            throw new NvmeTransportException(what + ": not connected");
        }
        long timeout = config.commandTimeoutMillis() + 1000L;
        return await(c.call(sqe, direction, data, 0, length), timeout, what);
    }

    private static <T> T await(CompletableFuture<T> f, long timeoutMillis, String what) {
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NvmeException n) {
                throw n;
            }
            throw new NvmeTransportException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new NvmeTimeoutException(what + " did not complete within " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NvmeTransportException(what + " interrupted", e);
        }
    }

    // ---- keep-alive -------------------------------------------------------------------------

    private void startKeepAlive() {
        int kato = config.keepAliveMillis();
        QueueConnection a = admin;
        if (kato <= 0 || a == null) {
            return;
        }
        long period = Math.max(1, kato / 2);
        EventLoop loop = a.eventLoop();
        keepAliveOutstanding = false;
        keepAlive = loop.scheduleAtFixedRate(() -> sendKeepAlive(a), period, period, TimeUnit.MILLISECONDS);
    }

    private void sendKeepAlive(QueueConnection a) {
        if (keepAliveOutstanding || !a.isReady()) {
            return;
        }
        keepAliveOutstanding = true;
        a.sqe().setByte(Sqe.OPCODE_OFFSET, Opcodes.ADMIN_KEEP_ALIVE);
        a.submit(Opcodes.XFER_NONE, null, 0, 0, false, (failure, result) -> {
            keepAliveOutstanding = false;
            if (failure instanceof NvmeTimeoutException) {
                a.abort("keep-alive timed out");
            } else if (failure != null) {
                LOG.warn("{}: keep-alive failed: {}", name(0), failure.getMessage());
            }
        });
    }

    private void stopKeepAlive() {
        ScheduledFuture<?> k = keepAlive;
        if (k != null) {
            k.cancel(false);
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
        stopKeepAlive();
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
                synchronized (this) {
                    if (state != State.RESETTING) {
                        closeConnections();
                        return;
                    }
                    if (allConnected()) {
                        state = State.LIVE;
                        LOG.info("{} at {}: reconnected as controller {}", subnqn, address, cntlid);
                        return;
                    }
                }
                LOG.info("{}: a queue dropped during reconnection; trying again", subnqn);
            } catch (RuntimeException e) {
                LOG.info("{} at {}: reconnection failed: {}", subnqn, address, e.getMessage());
            }
            stopKeepAlive();
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
        QueueConnection a = admin;
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
        QueueConnection a = admin;
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
        stopKeepAlive();
        closeConnections();
        initiator.forget(this);
    }

    @Override
    public String toString() {
        return "controller " + cntlid + " of " + subnqn + " at " + address;
    }
}
