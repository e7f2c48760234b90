package io.basalt.control.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a volume lives in a cluster, kept in its {@code volumes/NAME} record beside its spec: the
 * bricks holding a replica, the one of them that serves hosts (the primary), the epoch, which
 * changes whenever the primary does so a replica can refuse writes from a deposed primary, and the
 * replicas known to hold every acknowledged write (the in-sync set).
 *
 * <p>The in-sync set is what makes failover safe: the primary removes a replica from it here before
 * acknowledging any write that replica missed, so a brick in the set can always take over without
 * losing an acknowledged write. The primary is always in the set.
 *
 * @param bricks  the bricks with a replica, primary first at creation
 * @param primary the brick whose path is ANA optimized
 * @param epoch   1 at creation, bumped on every change of primary
 * @param inSync  the bricks holding every acknowledged write (a subset of {@code bricks}, with the primary)
 * @param former  the primary of the previous epoch when a failover made it leave the in-sync set, else
 *                null: it holds every write acknowledged before this epoch, so it lacks only this
 *                epoch's writes — which the current primary tracks from the epoch's start, so that
 *                a returning former primary gets only those
 */
public record Replicas(List<String> bricks, String primary, long epoch, List<String> inSync, String former) {
    static final String REPLICAS = "replicas";
    static final String PRIMARY = "primary";
    static final String EPOCH = "epoch";
    static final String IN_SYNC = "in-sync";
    static final String FORMER = "former-primary";

    public Replicas {
        bricks = List.copyOf(bricks);
        inSync = List.copyOf(inSync);
        Objects.requireNonNull(primary, "primary");
        if (bricks.isEmpty() || !bricks.contains(primary)) {
            throw new IllegalArgumentException("primary " + primary + " holds no replica of " + bricks);
        }
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be at least 1: " + epoch);
        }
        if (former != null && (!bricks.contains(former) || former.equals(primary))) {
            throw new IllegalArgumentException("former primary " + former + " must be another of " + bricks);
        }
        if (!bricks.containsAll(inSync) || !inSync.contains(primary)) {
            throw new IllegalArgumentException("in-sync replicas " + inSync + " must include the primary " + primary
                    + " and be among " + bricks);
        }
    }

    /** Replicas all in sync. */
    public Replicas(List<String> bricks, String primary, long epoch) {
        this(bricks, primary, epoch, bricks, null);
    }

    /** Replicas with no former primary out of sync. */
    public Replicas(List<String> bricks, String primary, long epoch, List<String> inSync) {
        this(bricks, primary, epoch, inSync, null);
    }

    /** A new volume's replicas: the first brick is the primary, epoch 1, all in sync (all empty). */
    public static Replicas placed(List<String> bricks) {
        return new Replicas(bricks, bricks.getFirst(), 1);
    }

    public boolean holds(String brick) {
        return bricks.contains(brick);
    }

    public boolean inSync(String brick) {
        return inSync.contains(brick);
    }

    /** Whether some replica lacks writes (the volume is degraded). */
    public boolean degraded() {
        return inSync.size() < bricks.size();
    }

    /** The same placement without {@code brick} in the in-sync set. */
    public Replicas withoutInSync(String brick) {
        return new Replicas(bricks, primary, epoch, inSync.stream().filter(b -> !b.equals(brick)).toList(), former);
    }

    /** The same placement with {@code brick} back in the in-sync set. */
    public Replicas withInSync(String brick) {
        if (inSync.contains(brick)) {
            return this;
        }
        List<String> more = new ArrayList<>(inSync);
        more.add(brick);
        return new Replicas(bricks, primary, epoch, bricks.stream().filter(more::contains).toList(),
                brick.equals(former) ? null : former);
    }

    /**
     * Failover: {@code next} (an in-sync replica) becomes the primary under a new epoch; the old primary
     * leaves the in-sync set, since it may hold writes it never acknowledged.
     */
    public Replicas promote(String next) {
        if (!inSync.contains(next) || next.equals(primary)) {
            throw new IllegalArgumentException(next + " is not an in-sync replica of " + inSync);
        }
        return new Replicas(bricks, next, epoch + 1, inSync.stream().filter(b -> !b.equals(primary)).toList(),
                primary);
    }

    /**
     * A planned move: {@code next} (in sync) becomes the primary under a new epoch and the old primary
     * stays in sync (it stopped acknowledging before the change).
     */
    public Replicas handOver(String next) {
        if (!inSync.contains(next) || next.equals(primary)) {
            throw new IllegalArgumentException(next + " is not an in-sync replica of " + inSync);
        }
        return new Replicas(bricks, next, epoch + 1, inSync);
    }

    /** A lost replica replaced by a new, empty one on {@code with} (out of sync until resynced). */
    public Replicas replace(String lost, String with) {
        if (lost.equals(primary)) {
            throw new IllegalArgumentException("the primary " + lost + " must be moved before it is replaced");
        }
        return new Replicas(bricks.stream().map(b -> b.equals(lost) ? with : b).toList(), primary, epoch,
                inSync.stream().filter(b -> !b.equals(lost)).toList(), lost.equals(former) ? null : former);
    }

    /** Adds the fields to a volume record's. */
    public void addTo(Map<String, String> fields) {
        fields.put(REPLICAS, String.join(",", bricks));
        fields.put(PRIMARY, primary);
        fields.put(EPOCH, Long.toString(epoch));
        fields.put(IN_SYNC, String.join(",", inSync));
        if (former != null) {
            fields.put(FORMER, former);
        } else {
            fields.remove(FORMER);
        }
    }

    /** The replicas a volume record names, or null for a record without placement (a single brick's). */
    public static Replicas of(Map<String, String> fields) {
        String list = fields.get(REPLICAS);
        if (list == null) {
            return null;
        }
        try {
            List<String> bricks = Arrays.asList(list.split(","));
            String inSync = fields.get(IN_SYNC);
            return new Replicas(bricks, fields.get(PRIMARY), Long.parseLong(fields.getOrDefault(EPOCH, "1")),
                    inSync == null ? bricks : Arrays.asList(inSync.split(",")), fields.get(FORMER));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("damaged placement " + list + ": " + e.getMessage());
        }
    }
}
