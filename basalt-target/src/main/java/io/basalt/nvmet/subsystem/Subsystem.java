package io.basalt.nvmet.subsystem;

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

    public Subsystem(String nqn, String serial, String model, String firmware) {
        this.nqn = Nqn.requireValid(nqn);
        this.serial = Objects.requireNonNull(serial);
        this.model = Objects.requireNonNull(model);
        this.firmware = Objects.requireNonNull(firmware);
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

    /** Adds a namespace; its NSID must be free. */
    public void addNamespace(Namespace ns) {
        if (namespaces.putIfAbsent(ns.nsid(), ns) != null) {
            throw new IllegalArgumentException("NSID " + ns.nsid() + " is already in use");
        }
        changed(ns.nsid(), null, ns.access());
    }

    /** Removes a namespace, returning it (or null if there was none). */
    public Namespace removeNamespace(int nsid) {
        Namespace ns = namespaces.remove(nsid);
        if (ns != null) {
            changed(nsid, ns.access(), null);
        }
        return ns;
    }

    /** Changes who may see a namespace; connected hosts are told. */
    public void setAccess(int nsid, HostAccess access) {
        Namespace ns = namespaces.get(nsid);
        if (ns == null) {
            throw new IllegalArgumentException("no namespace " + nsid);
        }
        HostAccess before = ns.access();
        ns.setAccess(access);
        changed(nsid, before, access);
    }

    /**
     * Tells hosts that may see the namespace that its attributes changed (size, after a resize).
     */
    public void attributesChanged(int nsid) {
        Namespace ns = namespaces.get(nsid);
        if (ns != null) {
            changed(nsid, ns.access(), ns.access());
        }
    }

    private void changed(int nsid, HostAccess before, HostAccess after) {
        generation.incrementAndGet();
        for (NamespaceListener l : namespaceListeners) {
            l.namespaceChanged(nsid, before, after);
        }
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

    /** The namespace with this NSID, or null. */
    public Namespace namespace(int nsid) {
        return namespaces.get(nsid);
    }

    /** The namespace with this NSID if the host may see it, else null. */
    public Namespace visibleNamespace(int nsid, String hostNqn) {
        Namespace ns = namespaces.get(nsid);
        return ns != null && ns.access().allows(hostNqn) ? ns : null;
    }

    public Collection<Namespace> namespaces() {
        return namespaces.values();
    }

    /** Namespaces the host may see, in NSID order. */
    public List<Namespace> visibleNamespaces(String hostNqn) {
        List<Namespace> out = new ArrayList<>();
        for (Namespace ns : namespaces.values()) {
            if (ns.access().allows(hostNqn)) {
                out.add(ns);
            }
        }
        return out;
    }

    /** Whether the host may see at least one namespace (else Connect refuses it). */
    public boolean admits(String hostNqn) {
        for (Namespace ns : namespaces.values()) {
            if (ns.access().allows(hostNqn)) {
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
