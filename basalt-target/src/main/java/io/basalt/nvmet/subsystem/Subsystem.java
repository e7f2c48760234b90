package io.basalt.nvmet.subsystem;

import io.basalt.nvme.Nqn;
import io.basalt.volume.HostAccess;
import io.basalt.nvme.discovery.Discovery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The brick's one NVM subsystem: its NQN and identity strings, and the namespaces it exports.
 * Namespaces may be added, removed and re-masked at runtime; connected controllers hear of it
 * through {@link #onNamespaceChange} (they raise a Namespace Attribute Changed event).
 *
 * <p>In a cluster the same subsystem NQN is served by several bricks, each one path
 * ({@link MultipathConfig}): this brick's ANA state per namespace ({@link #setAnaState}, heard
 * through {@link #onAnaChange}) and the other bricks' ports for the discovery log
 * ({@link #setPeerPaths}).
 */
public final class Subsystem {
    /** Same as {@link Discovery#NQN}. */
    public static final String DISCOVERY_NQN = Discovery.NQN;
    /** The highest NSID the subsystem supports (Identify Controller NN). */
    public static final int MAX_NAMESPACES = 1024;

    private final String nqn;
    private final String serial;
    private final String model;
    private final String firmware;
    private final ConcurrentSkipListMap<Integer, Namespace> namespaces = new ConcurrentSkipListMap<>();
    private final List<NamespaceListener> namespaceListeners = new CopyOnWriteArrayList<>();
    /** Bumped on every change that can alter what discovery returns to some host. */
    private final AtomicLong generation = new AtomicLong(1);
    private final MultipathConfig multipath;
    private final List<AnaListener> anaListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> discoveryListeners = new CopyOnWriteArrayList<>();
    /** The ANA log page's change count; guarded by {@code this} with the states it counts. */
    private long anaChangeCount = 1;
    private volatile List<PathAddress> peerPaths = List.of();
    /** Null: discovery names the bound I/O address. */
    private volatile PathAddress ownPath;

    /** A lone brick's subsystem ({@link MultipathConfig#SINGLE_PATH}). */
    public Subsystem(String nqn, String serial, String model, String firmware) {
        this(nqn, serial, model, firmware, MultipathConfig.SINGLE_PATH);
    }

    /** A subsystem that is one path of several when {@code multipath} says so. */
    public Subsystem(String nqn, String serial, String model, String firmware, MultipathConfig multipath) {
        this.nqn = Nqn.requireValid(nqn);
        this.serial = Objects.requireNonNull(serial);
        this.model = Objects.requireNonNull(model);
        this.firmware = Objects.requireNonNull(firmware);
        this.multipath = Objects.requireNonNull(multipath);
    }

    public String nqn() {
        return nqn;
    }

    public String serial() {
        return serial;
    }

    public String model() {
        return model;
    }

    public String firmware() {
        return firmware;
    }

    /** Adds a namespace, optimized on this path; its NSID must be free. */
    public void addNamespace(Namespace ns) {
        addNamespace(ns, AnaState.OPTIMIZED);
    }

    /**
     * Adds a namespace in the given ANA state, which it has before any host can see it (a replica's
     * path is added inaccessible, never optimized for a moment). Its NSID must be free, and with an
     * ANA group per namespace no higher than {@link #maxNamespaces()} (the group ID is the NSID and
     * hosts refuse a group above ANAGRPMAX).
     */
    public void addNamespace(Namespace ns, AnaState state) {
        Objects.requireNonNull(state);
        if (multipath.anaGroupPerNamespace() && ns.nsid() > MAX_NAMESPACES) {
            throw new IllegalArgumentException("NSID " + ns.nsid() + " is above the highest ANA group, "
                    + MAX_NAMESPACES);
        }
        if (state != AnaState.OPTIMIZED) {
            requireGroupPerNamespace();
        }
        synchronized (this) {
            ns.setAnaState(state, anaChangeCount);
        }
        if (namespaces.putIfAbsent(ns.nsid(), ns) != null) {
            throw new IllegalArgumentException("NSID " + ns.nsid() + " is already in use");
        }
        changed(ns.nsid(), null, ns.volume().access());
    }

    /** Removes a namespace, returning it (or null if there was none). */
    public Namespace removeNamespace(int nsid) {
        Namespace ns = namespaces.remove(nsid);
        if (ns != null) {
            changed(nsid, ns.volume().access(), null);
        }
        return ns;
    }

    /** Changes who may see a namespace; connected hosts are told. */
    public void setAccess(int nsid, HostAccess access) {
        Namespace ns = namespaces.get(nsid);
        if (ns == null) {
            throw new IllegalArgumentException("no namespace " + nsid);
        }
        HostAccess before = ns.volume().access();
        ns.volume().setAccess(access);
        changed(nsid, before, access);
    }

    /**
     * Tells hosts that may see the namespace that its attributes changed (size, after a resize).
     */
    public void attributesChanged(int nsid) {
        Namespace ns = namespaces.get(nsid);
        if (ns != null) {
            changed(nsid, ns.volume().access(), ns.volume().access());
        }
    }

    private void changed(int nsid, HostAccess before, HostAccess after) {
        generation.incrementAndGet();
        for (NamespaceListener l : namespaceListeners) {
            l.namespaceChanged(nsid, before, after);
        }
        discoveryChanged();
    }

    private void discoveryChanged() {
        for (Runnable l : discoveryListeners) {
            l.run();
        }
    }

    /** Hears of every change of the discovery generation (namespaces, peer paths); must not block. */
    public void onDiscoveryChange(Runnable listener) {
        discoveryListeners.add(listener);
    }

    public void removeDiscoveryListener(Runnable listener) {
        discoveryListeners.remove(listener);
    }

    /** Hears of every namespace added, removed or re-masked. */
    public interface NamespaceListener {
        /**
         * @param before who could see the namespace before the change (null if it did not exist)
         * @param after  who can see it after the change (null if it no longer exists)
         */
        void namespaceChanged(int nsid, HostAccess before, HostAccess after);
    }

    /** Registers a listener for namespace changes. */
    public void onNamespaceChange(NamespaceListener listener) {
        namespaceListeners.add(listener);
    }

    public void removeNamespaceListener(NamespaceListener listener) {
        namespaceListeners.remove(listener);
    }

    // ---- paths: ANA and peers ---------------------------------------------------------------

    public MultipathConfig multipath() {
        return multipath;
    }

    /** The ANA group the namespace belongs to: its NSID, or the one group of a lone brick. */
    public int anaGroupId(Namespace ns) {
        return multipath.anaGroupPerNamespace() ? ns.nsid() : MultipathConfig.SINGLE_GROUP_ID;
    }

    /** The highest ANA group ID (ANAGRPMAX), also how many groups there may be (NANAGRPID). */
    public int maxAnaGroups() {
        return multipath.anaGroupPerNamespace() ? MAX_NAMESPACES : 1;
    }

    /**
     * Sets this path's ANA state of one namespace: I/O to it answers the state's path status from
     * now on, the ANA log's change count goes up, and every controller whose host sees the
     * namespace and enabled ANA change notices gets one. Setting the state it already has does
     * nothing. Needs an ANA group per namespace ({@link MultipathConfig#groupPerNamespace}).
     *
     * @throws IllegalArgumentException if there is no such namespace
     * @throws IllegalStateException    on a lone brick's single group
     */
    public void setAnaState(int nsid, AnaState state) {
        Objects.requireNonNull(state);
        requireGroupPerNamespace();
        Namespace ns = namespaces.get(nsid);
        if (ns == null) {
            throw new IllegalArgumentException("no namespace " + nsid);
        }
        synchronized (this) {
            if (ns.anaState() == state) {
                return;
            }
            ns.setAnaState(state, ++anaChangeCount);
        }
        for (AnaListener l : anaListeners) {
            l.anaChanged(nsid, ns.volume().access());
        }
    }

    /** The ANA log page's change count: 1, plus one per state change. */
    public synchronized long anaChangeCount() {
        return anaChangeCount;
    }

    private void requireGroupPerNamespace() {
        if (!multipath.anaGroupPerNamespace()) {
            throw new IllegalStateException("ANA states per namespace need MultipathConfig.groupPerNamespace");
        }
    }

    /** Hears of every ANA state change. */
    public interface AnaListener {
        /** The namespace's ANA state changed; {@code access} says which hosts see it. */
        void anaChanged(int nsid, HostAccess access);
    }

    public void onAnaChange(AnaListener listener) {
        anaListeners.add(listener);
    }

    public void removeAnaListener(AnaListener listener) {
        anaListeners.remove(listener);
    }

    /**
     * Replaces the other bricks' ports of this subsystem that the discovery log lists after this
     * brick's own. A different list bumps the discovery generation, so hosts re-read the log, and
     * (with {@link MultipathConfig#groupPerNamespace}) raises a Discovery Log Page Change notice on
     * persistent discovery controllers that enabled it.
     */
    public void setPeerPaths(List<PathAddress> paths) {
        List<PathAddress> copy = List.copyOf(paths);
        synchronized (this) {
            if (copy.equals(peerPaths)) {
                return;
            }
            peerPaths = copy;
        }
        generation.incrementAndGet();
        discoveryChanged();
    }

    /**
     * How the discovery log names this brick's own port, when hosts must reach it at another address
     * than the one it is bound to (a cluster's advertised address: behind NAT, a wildcard bind, a VM's
     * view of the host). Null, the default: the bound address.
     */
    public void setOwnPath(PathAddress path) {
        synchronized (this) {
            if (java.util.Objects.equals(path, ownPath)) {
                return;
            }
            ownPath = path;
        }
        generation.incrementAndGet();
        discoveryChanged();
    }

    /** This brick's own port as discovery lists it, or null for the bound address. */
    public PathAddress ownPath() {
        return ownPath;
    }

    /** The other bricks' ports of this subsystem, in the order the discovery log lists them. */
    public List<PathAddress> peerPaths() {
        return peerPaths;
    }

    /** The namespace with this NSID, or null. */
    public Namespace namespace(int nsid) {
        return namespaces.get(nsid);
    }

    /** The namespace with this NSID if the host may see it, else null. */
    public Namespace visibleNamespace(int nsid, String hostNqn) {
        Namespace ns = namespaces.get(nsid);
        return ns != null && ns.volume().access().allows(hostNqn) ? ns : null;
    }

    public Collection<Namespace> namespaces() {
        return namespaces.values();
    }

    /** Namespaces the host may see, in NSID order. */
    public List<Namespace> visibleNamespaces(String hostNqn) {
        List<Namespace> out = new ArrayList<>();
        for (Namespace ns : namespaces.values()) {
            if (ns.volume().access().allows(hostNqn)) {
                out.add(ns);
            }
        }
        return out;
    }

    /** Whether the host may see at least one namespace (else Connect refuses it). */
    public boolean admits(String hostNqn) {
        for (Namespace ns : namespaces.values()) {
            if (ns.volume().access().allows(hostNqn)) {
                return true;
            }
        }
        return false;
    }

    /** The highest NSID the subsystem supports (Identify Controller NN). */
    public int maxNamespaces() {
        return MAX_NAMESPACES;
    }

    public long generation() {
        return generation.get();
    }
}
