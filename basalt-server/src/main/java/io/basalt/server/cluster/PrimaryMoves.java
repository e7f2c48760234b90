package io.basalt.server.cluster;

import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.RevisionConflictException;
import io.basalt.control.topology.BrickDirectory;
import io.basalt.control.topology.BrickState;
import io.basalt.control.topology.Replicas;
import io.basalt.control.volume.ClusterVolume;
import io.basalt.control.volume.ClusterVolumes;
import io.basalt.control.volume.VolumeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Planned moves of a volume's primary ({@code volume move}, {@code brick drain}): the record names an
 * in-sync replica on an active brick the primary under the next epoch, and the old primary stays in
 * sync. The two bricks' agents act on the record at once — the new path becomes optimized, the old one
 * inaccessible, and a write the old primary still had in flight is refused by the epoch and retried
 * by the host on the new path — so hosts pause for about one agent round trip, not a lease.
 */
public final class PrimaryMoves {
    private static final Logger LOG = LoggerFactory.getLogger(PrimaryMoves.class);
    private static final int CAS_ATTEMPTS = 16;

    private final MetadataStore store;
    private final ClusterVolumes volumes;
    private final ClusterEvents events;

    public PrimaryMoves(MetadataStore store, ClusterVolumes volumes, ClusterEvents events) {
        this.store = store;
        this.volumes = volumes;
        this.events = events;
    }

    /** A volume moved off a brick, or one that could not be. */
    public record Move(String volume, String from, String to, String refusal) {
    }

    /**
     * Makes {@code to} (or, when null, the in-sync replica on an active brick with the fewest
     * primaries) the volume's primary; nothing changes when it already is.
     */
    public ClusterVolume move(String name, String to) throws VolumeException {
        try {
            for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
                ClusterVolume v = volumes.get(name);
                Replicas r = v.replicas();
                if (r.primary().equals(to)) {
                    return v;
                }
                String next = to != null ? check(v, to) : choose(v);
                Replicas after = r.handOver(next);
                try {
                    var e = store.put(MetadataKeys.volume(v.name()), v.fields(v.spec(), after), v.revision());
                    LOG.info("Volume {}: primary moved from {} to {} (epoch {})", v.name(), r.primary(), next,
                            after.epoch());
                    events.event("volume.moved", false, v.name(), "primary moved from " + r.primary() + " to " + next
                            + " (epoch " + after.epoch() + ")");
                    return v.with(v.spec(), after, e.modRevision());
                } catch (RevisionConflictException raced) {
                    // Changed meanwhile (a replica dropped, a failover): decide again.
                }
            }
        } catch (MetadataStoreException e) {
            throw ClusterVolumes.unavailable(e);
        }
        throw VolumeException.conflict("volume " + name + " keeps changing under this move; retry");
    }

    /** Moves every primary off {@code brick}; reports each volume moved or not. */
    public List<Move> drain(String brick) throws VolumeException {
        List<Move> out = new ArrayList<>();
        for (ClusterVolume v : volumes.list()) {
            if (!v.replicas().primary().equals(brick)) {
                continue;
            }
            try {
                ClusterVolume after = move(v.name(), null);
                out.add(new Move(v.name(), brick, after.replicas().primary(), null));
            } catch (VolumeException e) {
                out.add(new Move(v.name(), brick, null, e.getMessage()));
            }
        }
        return out;
    }

    private String check(ClusterVolume v, String to) throws VolumeException, MetadataStoreException {
        Replicas r = v.replicas();
        if (!r.holds(to)) {
            throw VolumeException.invalid("brick " + to + " holds no replica of " + v.name() + " (replicas: "
                    + r.bricks() + ")");
        }
        if (!r.inSync(to)) {
            throw VolumeException.conflict("the replica of " + v.name() + " on " + to + " is not in sync; it can "
                    + "become the primary once its resync is done");
        }
        if (!active().contains(to)) {
            throw VolumeException.conflict("brick " + to + " is not active");
        }
        return to;
    }

    private String choose(ClusterVolume v) throws VolumeException, MetadataStoreException {
        Map<String, Integer> primaries = new HashMap<>();
        volumes.list().forEach(x -> primaries.merge(x.replicas().primary(), 1, Integer::sum));
        String next = Failover.choose(v.replicas(), active(), primaries);
        if (next == null) {
            throw VolumeException.conflict("volume " + v.name() + " has no other in-sync replica on an active brick "
                    + "(in sync: " + v.replicas().inSync() + ")");
        }
        return next;
    }

    private Set<String> active() throws MetadataStoreException {
        Set<String> out = new HashSet<>();
        for (BrickDirectory.Member m : new BrickDirectory(store).members()) {
            if (m.alive() && ClusterStatus.stateOf(m) == BrickState.ACTIVE) {
                out.add(m.name());
            }
        }
        return out;
    }
}
