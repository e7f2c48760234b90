package io.basalt.server.cluster;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.RevisionConflictException;
import io.basalt.control.topology.Replicas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The leader's failover: a volume whose primary's brick no longer heartbeats gets a new primary, an
 * in-sync replica on a live brick, under a new epoch. The old primary's heartbeat lease has expired
 * by then, and a primary stops acknowledging writes before its lease can expire, so the two never
 * acknowledge at once; the new epoch makes the replicas refuse anything the old one still sends.
 */
final class Failover {
    private static final Logger LOG = LoggerFactory.getLogger(Failover.class);

    private final MetadataStore store;
    private final ClusterEvents events;
    /** Volumes already reported as having no replica to fail over to, so the event is raised once. */
    private final Set<String> stranded = new HashSet<>();

    Failover(MetadataStore store, ClusterEvents events) {
        this.store = store;
        this.events = events;
    }

    /** One round over every volume, given the bricks that heartbeat now. */
    void round(Set<String> alive) throws MetadataStoreException {
        List<MetadataEntry> records = store.list(MetadataKeys.VOLUMES).entries();
        Map<String, Integer> primaries = new HashMap<>();
        for (MetadataEntry e : records) {
            Replicas r = Replicas.of(e.fields());
            if (r != null) {
                primaries.merge(r.primary(), 1, Integer::sum);
            }
        }
        for (MetadataEntry e : records) {
            Replicas r = Replicas.of(e.fields());
            String name = MetadataKeys.name(e.key());
            if (r == null || alive.contains(r.primary())) {
                stranded.remove(name);
                continue;
            }
            String next = choose(r, alive, primaries);
            if (next == null) {
                if (stranded.add(name)) {
                    events.event("volume.unavailable", true, name, "its primary " + r.primary() + " is gone and no "
                            + "in-sync replica is alive (in sync: " + r.inSync() + ")");
                }
                continue;
            }
            Replicas after = r.promote(next);
            java.util.Map<String, String> fields = new java.util.TreeMap<>(e.fields());
            after.addTo(fields);
            try {
                store.put(e.key(), fields, e.modRevision());
                primaries.merge(next, 1, Integer::sum);
                stranded.remove(name);
                LOG.info("Volume {}: primary {} is gone; {} takes over (epoch {})", name, r.primary(), next,
                        after.epoch());
                events.event("volume.failover", true, name, "primary " + r.primary() + " lost its heartbeat; " + next
                        + " is the primary now (epoch " + after.epoch() + ")");
            } catch (RevisionConflictException raced) {
                // The record changed meanwhile (its primary dropped a replica): judged again next round.
            }
        }
    }

    /** The in-sync replica on a live brick with the fewest primaries, or null. */
    static String choose(Replicas r, Set<String> alive, Map<String, Integer> primaries) {
        return r.inSync().stream().filter(b -> !b.equals(r.primary()) && alive.contains(b))
                .min(Comparator.comparingInt((String b) -> primaries.getOrDefault(b, 0))
                        .thenComparing(Comparator.naturalOrder()))
                .orElse(null);
    }
}
