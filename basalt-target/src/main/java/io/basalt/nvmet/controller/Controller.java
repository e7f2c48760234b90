package io.basalt.nvmet.controller;

import io.basalt.nvme.Status;
import io.basalt.nvme.discovery.Discovery;
import io.basalt.volume.HostAccess;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.subsystem.Subsystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private final Runnable discoveryListener = this::discoveryChanged;
    private final long createdNanos = System.nanoTime();

    private volatile boolean started;
    private volatile int cc;
    private volatile int csts;
    private volatile int katoMillis;
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile boolean writeCacheEnabled = true;
    private int grantedIoQueues;
    private long timestampOffsetMillis;
    private boolean timestampSet;
    private ScheduledFuture<?> keepAliveTimer;

    // Asynchronous events; admin event loop only.
    private final AsyncEvents events = new AsyncEvents();
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
        } else if (subsystem.multipath().anaGroupPerNamespace()) {
            subsystem.onDiscoveryChange(discoveryListener);
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
        return events.config();
    }

    public void setAsyncEventConfig(int value) {
        events.setConfig(value);
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
        subsystem.removeNamespaceListener(namespaceListener);
        subsystem.removeAnaListener(anaListener);
        subsystem.removeDiscoveryListener(discoveryListener);
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
        return events.addAer(req, limit);
    }

    /** Forgets AERs of a closing admin queue. Admin loop. */
    public void dropAers() {
        events.dropAers();
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
            events.raise(AsyncEvents.Notice.NAMESPACE_ATTRIBUTE);
        });
    }

    /** This path's ANA state of a namespace changed: only a host that sees the namespace hears of it. */
    private void anaChanged(int nsid, HostAccess access) {
        if (access.allows(hostNqn)) {
            adminQueue.transport().executor().execute(() -> events.raise(AsyncEvents.Notice.ANA_CHANGE));
        }
    }

    /** The discovery log changed (a path came or went): a persistent discovery host re-reads it. */
    private void discoveryChanged() {
        adminQueue.transport().executor().execute(() -> events.raise(AsyncEvents.Notice.DISCOVERY_LOG_CHANGE));
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
        }
        events.logRead(AsyncEvents.Notice.NAMESPACE_ATTRIBUTE, retainEvent);
        return list;
    }

    /** Reading the ANA log with RAE clear unmasks ANA change events. Admin loop. */
    public void anaLogRead(boolean retainEvent) {
        events.logRead(AsyncEvents.Notice.ANA_CHANGE, retainEvent);
    }

    /** Reading the discovery log with RAE clear unmasks discovery log change events. Admin loop. */
    public void discoveryLogRead(boolean retainEvent) {
        events.logRead(AsyncEvents.Notice.DISCOVERY_LOG_CHANGE, retainEvent);
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
