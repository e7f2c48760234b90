package io.basalt.server.volume;


import io.basalt.units.Sizes;
import java.util.Locale;

/**
 * The engine pool's thin over-commit: the sizes its volumes were given against the space it can
 * hold. Over-commit is allowed — volumes use only what they write — but once it passes {@link
 * #WARNING_RATIO} a full pool is possible before every volume is full, so the operator is told.
 *
 * @param provisionedBytes the sizes of the volumes in the pool (read-only snapshot exports add none)
 * @param usableBytes      what the pool holds before writes get NO_SPACE; 0 while no pool is open
 */
public record Overcommit(long provisionedBytes, long usableBytes) {
    /** Provisioned per usable byte above which creates and resizes warn. */
    public static final double WARNING_RATIO = 1.0;

    /** Provisioned per usable byte; 0 while no pool is open. */
    public double ratio() {
        return usableBytes <= 0 ? 0 : (double) provisionedBytes / usableBytes;
    }

    public boolean warns() {
        return ratio() > WARNING_RATIO;
    }

    /** What the operator should read: the figures, and what happens when the pool fills. */
    public String describe() {
        return String.format(Locale.ROOT, "the engine pool is over-committed %.2f:1: its volumes are provisioned "
                + "%s and it can hold %s; writes of new data fail (CAPACITY_EXCEEDED) once it is full",
                ratio(), Sizes.formatApprox(provisionedBytes), Sizes.formatApprox(usableBytes));
    }
}
