package io.basalt.volume;

import java.util.Set;

/**
 * Which hosts (by host NQN) may see a volume. There is no implicit default: a volume is either
 * open to {@link #any()} host, said explicitly, or to a listed set. A host that connects with an
 * empty host NQN (anonymous) sees only the volumes open to any host. Immutable, so the check the
 * target makes on every command is a set lookup with no lock; a change replaces the whole list.
 */
public final class HostAccess {
    private static final HostAccess ANY = new HostAccess(null);
    private final Set<String> hosts;

    private HostAccess(Set<String> hosts) {
        this.hosts = hosts;
    }

    /** Every host may see the volume. */
    public static HostAccess any() {
        return ANY;
    }

    /** Only the given host NQNs may see the volume; an empty set hides it from everyone. */
    public static HostAccess of(Set<String> hostNqns) {
        return new HostAccess(Set.copyOf(hostNqns));
    }

    /**
     * Whether the host may see the volume. An anonymous host (empty host NQN) sees only what is
     * open to any host: no list can name it.
     */
    public boolean allows(String hostNqn) {
        return hosts == null || (!hostNqn.isEmpty() && hosts.contains(hostNqn));
    }

    /** The host NQN for the log, events and the management API: "anonymous" when it is empty. */
    public static String describe(String hostNqn) {
        return hostNqn.isEmpty() ? "anonymous" : hostNqn;
    }

    public boolean isAny() {
        return hosts == null;
    }

    /** The listed host NQNs; empty when {@link #isAny()}. */
    public Set<String> hosts() {
        return hosts == null ? Set.of() : hosts;
    }

    @Override
    public String toString() {
        return hosts == null ? "any" : String.join(";", hosts);
    }
}
