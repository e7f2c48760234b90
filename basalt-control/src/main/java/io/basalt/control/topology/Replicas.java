package io.basalt.control.topology;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a volume lives in a cluster, kept in its {@code volumes/NAME} record beside its spec: the
 * bricks holding a replica, the one of them that serves hosts (the primary), and the epoch, which
 * changes whenever the primary does so a replica can refuse writes from a deposed primary.
 *
 * @param bricks  the bricks with a replica, primary first at creation
 * @param primary the brick whose path is ANA optimized
 * @param epoch   1 at creation, bumped on every change of primary
 */
public record Replicas(List<String> bricks, String primary, long epoch) {
    static final String REPLICAS = "replicas";
    static final String PRIMARY = "primary";
    static final String EPOCH = "epoch";

    public Replicas {
        bricks = List.copyOf(bricks);
        Objects.requireNonNull(primary, "primary");
        if (bricks.isEmpty() || !bricks.contains(primary)) {
            throw new IllegalArgumentException("primary " + primary + " holds no replica of " + bricks);
        }
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be at least 1: " + epoch);
        }
    }

    /** A new volume's replicas: the first brick is the primary, epoch 1. */
    public static Replicas placed(List<String> bricks) {
        return new Replicas(bricks, bricks.getFirst(), 1);
    }

    public boolean holds(String brick) {
        return bricks.contains(brick);
    }

    /** Adds the fields to a volume record's. */
    public void addTo(Map<String, String> fields) {
        fields.put(REPLICAS, String.join(",", bricks));
        fields.put(PRIMARY, primary);
        fields.put(EPOCH, Long.toString(epoch));
    }

    /** The replicas a volume record names, or null for a record without placement (a single brick's). */
    public static Replicas of(Map<String, String> fields) {
        String list = fields.get(REPLICAS);
        if (list == null) {
            return null;
        }
        try {
            return new Replicas(Arrays.asList(list.split(",")), fields.get(PRIMARY),
                    Long.parseLong(fields.getOrDefault(EPOCH, "1")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("damaged placement " + list + ": " + e.getMessage());
        }
    }
}
