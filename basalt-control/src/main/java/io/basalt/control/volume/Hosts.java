package io.basalt.control.volume;

import io.basalt.control.HostList;
import io.basalt.nvme.Nqn;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which hosts may see a volume, as written in a volume spec: {@code any}, {@code none}, or host
 * NQNs separated by {@code ;}. There is no implicit "any": opening a volume to every host must be
 * said.
 */
public final class Hosts {
    public static final String ANY = "any";
    public static final String NONE = "none";

    private Hosts() {
    }

    public static HostList parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty()) {
            throw new ConfigException("hosts is empty (write hosts=any, or host NQNs separated by ';')");
        }
        return parse(List.of(s.split(";", -1)));
    }

    /** From a list, as YAML gives it; each entry may itself be a ';'-separated list. */
    public static HostList parse(Collection<String> entries) {
        Set<String> nqns = new LinkedHashSet<>();
        boolean any = false;
        boolean none = false;
        for (String entry : entries) {
            for (String part : entry.split(";", -1)) {
                String nqn = part.trim();
                if (nqn.equalsIgnoreCase(ANY)) {
                    any = true;
                } else if (nqn.equalsIgnoreCase(NONE)) {
                    none = true;
                } else if (nqn.isEmpty()) {
                    throw new ConfigException("empty host NQN in hosts");
                } else {
                    try {
                        nqns.add(Nqn.requireValid(nqn));
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException("invalid host NQN: " + e.getMessage());
                    }
                }
            }
        }
        if ((any ? 1 : 0) + (none ? 1 : 0) + (nqns.isEmpty() ? 0 : 1) != 1) {
            throw new ConfigException("hosts must be 'any', 'none', or a list of host NQNs, not a mix");
        }
        return any ? HostList.any() : HostList.of(nqns);
    }

    /** The form {@link #parse(String)} reads back; NQNs sorted so stored files are stable. */
    public static String format(HostList access) {
        if (access.isAny()) {
            return ANY;
        }
        return access.hosts().isEmpty() ? NONE : String.join(";", new TreeSet<>(access.hosts()));
    }

    /** Hidden from every host: the state of a volume given without hosts=. */
    public static HostList none() {
        return HostList.none();
    }
}
