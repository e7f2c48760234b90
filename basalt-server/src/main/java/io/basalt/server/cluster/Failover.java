package io.basalt.server.cluster;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.RevisionConflictException;
import io.basalt.control.placement.BrickCandidate;
import io.basalt.control.placement.DomainRequirement;
import io.basalt.control.placement.Placement;
import io.basalt.control.topology.BrickDirectory;
import io.basalt.control.topology.BrickState;
import io.basalt.control.topology.Replicas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The leader's failover: a volume whose primary's brick no longer heartbeats gets a new primary, an
 * in-sync replica on a live brick, under a new epoch; a replica on a brick marked failed is replaced
 * on another brick. The old primary's heartbeat lease has expired
 * by then, and a primary stops acknowledging writes before its lease can expire, so the two never
 * acknowledge at once; the new epoch makes the replicas refuse anything the old one still sends.
 */
final class Failover {
    private static final Logger LOG = LoggerFactory.getLogger(Failover.class);

    private final MetadataStore store;
    private final ClusterEvents events;
    /** Volumes already reported as having no replica to fail over to, so the event is raised once. */
    private final Set<String> stranded = new HashSet<>();
    /** The members as this round read them (null until a round needs them). */
    private Map<String, BrickDirectory.Member> roundMembers;

    Failover(MetadataStore store, ClusterEvents events) {
        this.store = store;
        this.events = events;
    }

    /** One round over every volume, given the bricks that heartbeat now. */
    void round(Set<String> alive) throws MetadataStoreException {
        roundMembers = null;
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
            if (r == null) {
                continue;
            }
            if (alive.contains(r.primary())) {
                stranded.remove(name);
                // Only a brick without a heartbeat can be failed: a healthy volume costs no extra read.
                if (!alive.containsAll(r.bricks())) {
                    replaceFailed(e, r, name);
                }
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

    /**
     * A replica on a brick marked failed (gone past the grace) is given up: a new, empty replica
     * takes its place on an active brick apart from the others' failure domains, and the primary
     * copies the whole volume to it. When no brick qualifies the volume stays degraded (an event says
     * so once).
     */
    private void replaceFailed(MetadataEntry e, Replicas r, String name) throws MetadataStoreException {
        Map<String, BrickDirectory.Member> members = members();
        for (String b : r.bricks()) {
            if (b.equals(r.primary())) {
                continue;
            }
            BrickDirectory.Member m = members.get(b);
            if (m == null || m.alive() || m.record().state() != BrickState.FAILED) {
                continue;
            }
            List<BrickCandidate> candidates = new ArrayList<>();
            List<BrickCandidate> remaining = new ArrayList<>();
            DomainRequirement allowed = DomainRequirement.allowedIn(e.fields());
            for (BrickDirectory.Member c : members.values()) {
                BrickCandidate bc = new BrickCandidate(c.name(), c.alive() && ClusterStatus.stateOf(c) == BrickState.ACTIVE,
                        c.record().failureDomains(), c.record().freeBytes(), 0);
                if (allowed.admits(bc)) { // the volume's data stays where its creation allowed it
                    candidates.add(bc);
                }
                if (r.holds(c.name()) && !c.name().equals(b)) {
                    remaining.add(bc);
                }
            }
            long size = Long.parseLong(e.fields().getOrDefault("size-bytes", "0"));
            String with = Placement.replacement(candidates, size, remaining);
            if (with == null) {
                if (stranded.add(name + "/" + b)) {
                    events.event("volume.replacement-impossible", true, name, "its replica on failed brick " + b
                            + " cannot be replaced: no active brick with room outside the other replicas' domains"
                            + (allowed.allowed().isEmpty() ? "" : " in its allowed domains " + allowed.allowed()));
                }
                continue;
            }
            Replicas after = r.replace(b, with);
            Map<String, String> fields = new java.util.TreeMap<>(e.fields());
            after.addTo(fields);
            try {
                store.put(e.key(), fields, e.modRevision());
                LOG.info("Volume {}: replica on failed brick {} replaced by a new one on {}", name, b, with);
                events.event("volume.replica-replaced", true, name, "brick " + b + " failed; a new replica on " + with
                        + " is being built (full copy)");
            } catch (RevisionConflictException raced) {
                // Changed meanwhile: judged again next round.
            }
            return;
        }
    }

    /** The cluster's members, read at most once per round. */
    private Map<String, BrickDirectory.Member> members() throws MetadataStoreException {
        if (roundMembers == null) {
            roundMembers = new HashMap<>();
            for (BrickDirectory.Member m : new BrickDirectory(store).members()) {
                roundMembers.put(m.name(), m);
            }
        }
        return roundMembers;
    }

    /** The in-sync replica on a live brick with the fewest primaries, or null. */
    static String choose(Replicas r, Set<String> alive, Map<String, Integer> primaries) {
        return r.inSync().stream().filter(b -> !b.equals(r.primary()) && alive.contains(b))
                .min(Comparator.comparingInt((String b) -> primaries.getOrDefault(b, 0))
                        .thenComparing(Comparator.naturalOrder()))
                .orElse(null);
    }
}
