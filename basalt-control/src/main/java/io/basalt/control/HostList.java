package io.basalt.control;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which hosts (by host NQN) a volume is open to, as the control plane records it: {@link #any()}
 * host, said explicitly, or a listed set ({@link #none()} when empty). A value with equality, so
 * desired state can be compared; the brick converts it to the target's access check where it
 * exports the volume, which keeps the control plane free of the NVMe target.
 */
public final class HostList {
    private static final HostList ANY = new HostList(null);
    private static final HostList NONE = new HostList(Collections.emptySortedSet());

    /** Sorted so records and messages are stable; null for any host. */
    private final SortedSet<String> hosts;

    private HostList(SortedSet<String> hosts) {
        this.hosts = hosts;
    }

    /** Every host may see the volume. */
    public static HostList any() {
        return ANY;
    }

    /** No host may see the volume: the state of a volume given without hosts. */
    public static HostList none() {
        return NONE;
    }

    /** Only the given host NQNs; an empty set hides the volume from everyone. */
    public static HostList of(Set<String> hostNqns) {
        return hostNqns.isEmpty() ? NONE : new HostList(Collections.unmodifiableSortedSet(new TreeSet<>(hostNqns)));
    }

    public boolean isAny() {
        return hosts == null;
    }

    /** The listed host NQNs, sorted; empty when {@link #isAny()}. */
    public Set<String> hosts() {
        return hosts == null ? Set.of() : hosts;
    }

    /** Whether the host may see the volume; an anonymous host (empty NQN) only when it is open to any. */
    public boolean allows(String hostNqn) {
        return hosts == null || (!hostNqn.isEmpty() && hosts.contains(hostNqn));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostList h && Objects.equals(hosts, h.hosts);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(hosts);
    }

    @Override
    public String toString() {
        return hosts == null ? "any" : String.join(";", hosts);
    }
}
