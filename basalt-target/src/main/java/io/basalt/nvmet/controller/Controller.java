package io.basalt.nvmet.controller;

import io.basalt.nvme.Status;
import io.basalt.nvme.discovery.Discovery;
import io.basalt.nvmet.subsystem.HostAccess;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.subsystem.Subsystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A controller created by an admin-queue Connect: the host it belongs to, its registers, features,
 * queues, asynchronous events and keep-alive. State that hosts change through admin commands is
 * touched on the admin queue's event loop; what I/O queues read is volatile.
 */
public final class Controller {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    /** Asynchronous event: Namespace Attribute Changed (notice 00h, log page 04h). */
    static final int EVENT_NS_CHANGED = 1;
    /** Async Event Configuration bit enabling Namespace Attribute Notices. */
    static final int AEC_NS_ATTRIBUTE = 1 << 8;
    /** Asynchronous event: Asymmetric Namespace Access Change (notice 03h, log page 0Ch). */
    static final int EVENT_ANA_CHANGED = 2;
    /** Async Event Configuration bit enabling ANA Change Notices. */
    static final int AEC_ANA_CHANGE = 1 << 11;
    /** Completion dword 0 of a notice: type 2 (notice), the event's info and its log page. */
    static final int RESULT_NS_CHANGED = (0x04 << 16) | (0x00 << 8) | 0x02;
    static final int RESULT_ANA_CHANGED = (0x0C << 16) | (0x03 << 8) | 0x02;

    private final ControllerRegistry registry;
    private final Subsystem subsystem;
    private final boolean discovery;
    private final int cntlid;
    private final String hostNqn;
    private final byte[] hostId;
    private final Queue adminQueue;
    private final AtomicReferenceArray<Queue> ioQueues;
    private final AtomicBoolean shutDown = new AtomicBoolean();
    private final Subsystem.NamespaceListener namespaceListener = this::namespaceChanged;
    private final Subsystem.AnaListener anaListener = this::anaChanged;
    private final long createdNanos = System.nanoTime();

    private volatile boolean started;
    private volatile int cc;
    private volatile int csts;
    private volatile int katoMillis;
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile boolean writeCacheEnabled = true;
    private int grantedIoQueues;
    private int asyncEventConfig;
    private long timestampOffsetMillis;
    private boolean timestampSet;
    private ScheduledFuture<?> keepAliveTimer;

    // Asynchronous events; admin event loop only.
    private final ArrayDeque<Command> pendingAers = new ArrayDeque<>();
    private int pendingEvents;
    private int maskedEvents;
    private final TreeSet<Integer> changedNamespaces = new TreeSet<>();

    Controller(ControllerRegistry registry, Subsystem subsystem, boolean discovery, int cntlid, String hostNqn,
               byte[] hostId, Queue adminQueue, int katoMillis) {
        this.registry = registry;
        this.subsystem = subsystem;
        this.discovery = discovery;
        this.cntlid = cntlid;
        this.hostNqn = hostNqn;
        this.hostId = hostId.clone();
        this.adminQueue = adminQueue;
        this.ioQueues = new AtomicReferenceArray<>(discovery ? 1 : registry.config().maxIoQueues() + 1);
        this.grantedIoQueues = discovery ? 0 : registry.config().maxIoQueues();
        this.katoMillis = katoMillis;
    }

    /** Starts the keep-alive timer and event delivery; called once the admin Connect succeeded. */
    void start() {
        if (!discovery) {
            subsystem.onNamespaceChange(namespaceListener);
            subsystem.onAnaChange(anaListener);
        }
        scheduleKeepAliveCheck();
        started = true;
        registry.fireConnected(this);
    }

    public int cntlid() {
        return cntlid;
    }

    public boolean isDiscovery() {
        return discovery;
    }

    public Subsystem subsystem() {
        return subsystem;
    }

    /** The NQN this controller was connected to (the subsystem's or the discovery NQN). */
    public String subsystemNqn() {
        return discovery ? Discovery.NQN : subsystem.nqn();
    }

    public String hostNqn() {
        return hostNqn;
    }

    public byte[] hostId() {
        return hostId.clone();
    }

    public ControllerRegistry registry() {
        return registry;
    }

    /** The namespace with this NSID if this controller's host may see it, else null. */
    public Namespace namespace(int nsid) {
        return discovery ? null : subsystem.visibleNamespace(nsid, hostNqn);
    }

    // ---- registers -------------------------------------------------------------------------

    public int cc() {
        return cc;
    }

    public int csts() {
        return csts;
    }

    public boolean ready() {
        return (csts & Registers.CSTS_RDY) != 0;
    }

    /** Applies a host write of CC: enable, disable and shutdown handshakes. */
    public void writeCc(int value) {
        int old = cc;
        cc = value;
        boolean enable = (value & Registers.CC_EN) != 0;
        boolean wasEnabled = (old & Registers.CC_EN) != 0;
        if (enable && !wasEnabled) {
            if (Registers.ccValid(value)) {
                csts = Registers.CSTS_RDY;
            } else {
                csts = Registers.CSTS_CFS;
                if (adminQueue.transport().mayLogError("invalid CC")) {
                    LOG.warn("controller {} ({}): invalid CC 0x{}", cntlid, HostAccess.describe(hostNqn),
                            Integer.toHexString(value));
                }
            }
        } else if (!enable && wasEnabled) {
            csts = 0;
        }
        int shn = (value >> Registers.CC_SHN_SHIFT) & 0x3;
        int oldShn = (old >> Registers.CC_SHN_SHIFT) & 0x3;
        if (shn != 0 && oldShn == 0) {
            csts = (csts & ~Registers.CSTS_SHST_MASK) | Registers.CSTS_SHST_COMPLETE;
        } else if (shn == 0 && oldShn != 0) {
            csts &= ~Registers.CSTS_SHST_MASK;
        }
    }

    // ---- features --------------------------------------------------------------------------

    public int grantedIoQueues() {
        return grantedIoQueues;
    }

    public void setGrantedIoQueues(int n) {
        grantedIoQueues = n;
    }

    public int asyncEventConfig() {
        return asyncEventConfig;
    }

    public void setAsyncEventConfig(int value) {
        asyncEventConfig = value;
        deliverEvents();
    }

    public int katoMillis() {
        return katoMillis;
    }

    public void setKatoMillis(int millis) {
        katoMillis = millis;
        scheduleKeepAliveCheck();
    }

    /** Volatile write cache enabled (Set Features 06h); when off, every write is forced to media. */
    public boolean writeCacheEnabled() {
        return writeCacheEnabled;
    }

    public void setWriteCacheEnabled(boolean enabled) {
        writeCacheEnabled = enabled;
    }

    public void setTimestamp(long millis) {
        timestampOffsetMillis = millis - System.currentTimeMillis();
        timestampSet = true;
    }

    public long timestamp() {
        return System.currentTimeMillis() + timestampOffsetMillis;
    }

    public boolean timestampSet() {
        return timestampSet;
    }

    public long uptimeNanos() {
        return System.nanoTime() - createdNanos;
    }

    // ---- queues ----------------------------------------------------------------------------

    /** Registers an I/O queue; false if the qid is already in use. */
    boolean addIoQueue(Queue q, int qid) {
        return ioQueues.compareAndSet(qid, null, q);
    }

    void queueClosed(Queue q) {
        if (q == adminQueue) {
            shutdown("admin queue closed");
        } else if (q.qid() > 0 && q.qid() < ioQueues.length()) {
            ioQueues.compareAndSet(q.qid(), q, null);
        }
    }

    /** How many I/O queues are connected now. */
    public int ioQueueCount() {
        int n = 0;
        for (int i = 1; i < ioQueues.length(); i++) {
            if (ioQueues.get(i) != null) {
                n++;
            }
        }
        return n;
    }

    /** The host's address on the admin queue. */
    public java.net.SocketAddress remoteAddress() {
        return adminQueue.transport().remoteAddress();
    }

    public Queue adminQueue() {
        return adminQueue;
    }

    /** Any command seen on any queue counts as keep-alive traffic. */
    public void touch() {
        lastActivityNanos = System.nanoTime();
    }

    private void scheduleKeepAliveCheck() {
        if (keepAliveTimer != null) {
            keepAliveTimer.cancel(false);
            keepAliveTimer = null;
        }
        int kato = katoMillis;
        if (kato <= 0 || shutDown.get()) {
            return;
        }
        long period = Math.max(100, kato / 2);
        keepAliveTimer = adminQueue.transport().executor().scheduleAtFixedRate(this::checkKeepAlive, period,
                period, TimeUnit.MILLISECONDS);
    }

    private void checkKeepAlive() {
        // A grace of one check period on top of KATO, as hosts send at KATO/2 and timers jitter.
        long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivityNanos);
        int kato = katoMillis;
        if (kato > 0 && idleMillis > kato + Math.max(100, kato / 2)) {
            if (adminQueue.transport().mayLogLifecycle("keep-alive timeout")) {
                LOG.warn("controller {} ({}): keep-alive timeout after {} ms idle (KATO {} ms), tearing it down",
                        cntlid, HostAccess.describe(hostNqn), idleMillis, kato);
            }
            registry.countKeepAliveExpiry();
            shutdown("keep-alive timeout");
        }
    }

    /** Tears the controller down: every queue's connection is closed. Idempotent. */
    public void shutdown(String reason) {
        if (!shutDown.compareAndSet(false, true)) {
            return;
        }
        registry.remove(this);
        if (adminQueue.transport().mayLogLifecycle("host disconnected")) {
            LOG.info("host {} disconnected: {} removed ({})", HostAccess.describe(hostNqn), this, reason);
        }
        if (!discovery) {
            subsystem.removeNamespaceListener(namespaceListener);
            subsystem.removeAnaListener(anaListener);
        }
        if (keepAliveTimer != null) {
            keepAliveTimer.cancel(false);
        }
        for (int i = 0; i < ioQueues.length(); i++) {
            Queue q = ioQueues.getAndSet(i, null);
            if (q != null) {
                q.transport().close(reason);
            }
        }
        adminQueue.transport().close(reason);
        if (started) {
            registry.fireDisconnected(this, reason);
        }
    }

    public boolean isShutDown() {
        return shutDown.get();
    }

    // ---- asynchronous events ---------------------------------------------------------------

    /** Holds an Asynchronous Event Request; returns false if the limit is reached. Admin loop. */
    public boolean addAer(Command req, int limit) {
        if (pendingAers.size() >= limit) {
            return false;
        }
        pendingAers.add(req);
        deliverEvents();
        return true;
    }

    /** Forgets AERs of a closing admin queue. Admin loop. */
    public void dropAers() {
        pendingAers.clear();
    }

    /**
     * A namespace changed. Only a host that could see it before or can see it after hears of it.
     * While the event is masked (reported, log not yet read) or disabled, the change only goes into
     * the Changed Namespace List: the host learns of it when it reads the log.
     */
    private void namespaceChanged(int nsid, HostAccess before, HostAccess after) {
        boolean concerned = (before != null && before.allows(hostNqn)) || (after != null && after.allows(hostNqn));
        if (!concerned) {
            return;
        }
        adminQueue.transport().executor().execute(() -> {
            if (changedNamespaces.size() <= 1024) {
                changedNamespaces.add(nsid);
            }
            if ((maskedEvents & EVENT_NS_CHANGED) == 0 && (asyncEventConfig & AEC_NS_ATTRIBUTE) != 0) {
                pendingEvents |= EVENT_NS_CHANGED;
            }
            deliverEvents();
        });
    }

    /**
     * This path's ANA state of a namespace changed. As for namespace notices, only a host that sees
     * the namespace hears of it, and while the event is masked (reported, log 0Ch not yet read
     * with RAE clear) the host learns of it from the log it is about to read.
     */
    private void anaChanged(int nsid, HostAccess access) {
        if (!access.allows(hostNqn)) {
            return;
        }
        adminQueue.transport().executor().execute(() -> {
            if ((maskedEvents & EVENT_ANA_CHANGED) == 0 && (asyncEventConfig & AEC_ANA_CHANGE) != 0) {
                pendingEvents |= EVENT_ANA_CHANGED;
            }
            deliverEvents();
        });
    }

    private void deliverEvents() {
        deliver(EVENT_NS_CHANGED, AEC_NS_ATTRIBUTE, RESULT_NS_CHANGED);
        deliver(EVENT_ANA_CHANGED, AEC_ANA_CHANGE, RESULT_ANA_CHANGED);
    }

    /** Completes one held AER with the event if it is pending, unmasked and enabled; masks it. */
    private void deliver(int event, int enabledBy, int result) {
        if ((pendingEvents & event) != 0 && (maskedEvents & event) == 0
                && (asyncEventConfig & enabledBy) != 0 && !pendingAers.isEmpty()) {
            Command aer = pendingAers.poll();
            pendingEvents &= ~event;
            maskedEvents |= event;
            aer.setResult(result);
            aer.completeLater();
        }
    }

    /**
     * Returns and (unless {@code retainEvent}) clears the Changed Namespace List, unmasking the
     * event. Admin loop.
     */
    public int[] takeChangedNamespaces(boolean retainEvent) {
        int[] list;
        if (changedNamespaces.size() > 1024) {
            list = new int[] {0xFFFFFFFF};
        } else {
            list = changedNamespaces.stream().mapToInt(Integer::intValue).toArray();
        }
        if (!retainEvent) {
            changedNamespaces.clear();
            maskedEvents &= ~EVENT_NS_CHANGED;
            pendingEvents &= ~EVENT_NS_CHANGED;
        }
        return list;
    }

    /** Reading the ANA log with RAE clear unmasks ANA change events. Admin loop. */
    public void anaLogRead(boolean retainEvent) {
        if (!retainEvent) {
            maskedEvents &= ~EVENT_ANA_CHANGED;
            pendingEvents &= ~EVENT_ANA_CHANGED;
        }
    }

    /** Status for an admin command other than fabrics before the controller is ready. */
    public int requireReady() {
        return ready() ? Status.SUCCESS : Status.COMMAND_SEQUENCE_ERROR | Status.DNR;
    }

    @Override
    public String toString() {
        return "controller " + cntlid + " (" + HostAccess.describe(hostNqn) + (discovery ? ", discovery)" : ")");
    }
}
