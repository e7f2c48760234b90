package io.basalt.control.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Chooses the bricks that hold a new volume's replicas: one per failure domain, only active bricks
 * with room for the whole volume and in the domains a {@link DomainRequirement} allows, the first of
 * them the primary.
 *
 * <p>The primary goes to an eligible brick in the requirement's most preferred domain set that has
 * one, and among those to the brick that serves the fewest primaries (ties: most free space, then
 * name), so host I/O spreads over the cluster as volumes are created. Secondaries go to the
 * bricks with the most free space, each in a domain not yet used. Deterministic for a given input, so
 * two API calls racing on the same view place alike (the compare-and-set on the volume's record
 * decides which one is kept).
 */
public final class Placement {
    /** The most replicas a volume may have. */
    public static final int MAX_REPLICAS = 3;

    private Placement() {
    }

    /**
     * The bricks for a volume of {@code sizeBytes} with {@code replicas} copies in distinct failure
     * domains of {@code failureDomainKey} (null: distinct bricks), primary first.
     *
     * @throws PlacementException when not enough domains have an active brick with room
     */
    public static List<String> place(List<BrickCandidate> bricks, long sizeBytes, int replicas,
                                     String failureDomainKey) throws PlacementException {
        return place(bricks, sizeBytes, replicas, failureDomainKey, DomainRequirement.ANY);
    }

    /**
     * As {@link #place(List, long, int, String)}, every replica on a brick {@code requirement} admits
     * and the primary in its most preferred domain set that has an eligible brick.
     *
     * @throws PlacementException when not enough allowed domains have an active brick with room
     */
    public static List<String> place(List<BrickCandidate> bricks, long sizeBytes, int replicas,
                                     String failureDomainKey, DomainRequirement requirement)
            throws PlacementException {
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw new IllegalArgumentException("replicas must be between 1 and " + MAX_REPLICAS + ": " + replicas);
        }
        List<BrickCandidate> eligible = bricks.stream()
                .filter(b -> b.active() && b.freeBytes() >= sizeBytes && requirement.admits(b))
                .toList();
        Set<String> domains = new HashSet<>();
        eligible.forEach(b -> domains.add(b.domain(failureDomainKey)));
        if (domains.size() < replicas) {
            throw new PlacementException(refusal(bricks, sizeBytes, replicas, failureDomainKey, requirement));
        }
        List<BrickCandidate> chosen = new ArrayList<>(replicas);
        chosen.add(eligible.stream().min(Comparator.comparingInt(requirement::rank)
                .thenComparingInt(BrickCandidate::primaries)
                .thenComparing(Comparator.comparingLong(BrickCandidate::freeBytes).reversed())
                .thenComparing(BrickCandidate::name)).orElseThrow());
        Set<String> used = new HashSet<>();
        used.add(chosen.getFirst().domain(failureDomainKey));
        List<BrickCandidate> byRoom = eligible.stream()
                .sorted(Comparator.comparingLong(BrickCandidate::freeBytes).reversed()
                        .thenComparing(BrickCandidate::name))
                .toList();
        for (BrickCandidate b : byRoom) {
            if (chosen.size() == replicas) {
                break;
            }
            if (used.add(b.domain(failureDomainKey))) {
                chosen.add(b);
            }
        }
        return chosen.stream().map(BrickCandidate::name).toList();
    }

    /** Why placement failed: what was asked, and which domains had which usable bricks. */
    private static String refusal(List<BrickCandidate> bricks, long sizeBytes, int replicas, String key,
                                  DomainRequirement requirement) {
        TreeMap<String, List<String>> usable = new TreeMap<>();
        List<String> inactive = new ArrayList<>();
        List<String> full = new ArrayList<>();
        List<String> outside = new ArrayList<>();
        for (BrickCandidate b : bricks) {
            if (!requirement.admits(b)) {
                outside.add(b.name());
            } else if (!b.active()) {
                inactive.add(b.name());
            } else if (b.freeBytes() < sizeBytes) {
                full.add(b.name());
            } else {
                usable.computeIfAbsent(b.domain(key), d -> new ArrayList<>()).add(b.name());
            }
        }
        StringBuilder why = new StringBuilder()
                .append(replicas).append(" replica").append(replicas == 1 ? "" : "s")
                .append(" need ").append(replicas).append(" distinct failure domain")
                .append(replicas == 1 ? "" : "s")
                .append(key == null ? " (bricks)" : " of key '" + key + "'")
                .append(requirement.allowed().isEmpty() ? "" : " in the allowed domains " + requirement.allowed())
                .append(" with an active brick that has room for the volume; there ")
                .append(usable.size() == 1 ? "is " : "are ").append(usable.size());
        if (!usable.isEmpty()) {
            why.append(": ").append(usable);
        }
        if (!full.isEmpty()) {
            why.append("; too full: ").append(full);
        }
        if (!inactive.isEmpty()) {
            why.append("; not active: ").append(inactive);
        }
        if (!outside.isEmpty()) {
            why.append("; outside the allowed domains: ").append(outside);
        }
        return why.toString();
    }

    /**
     * A brick for a new replica beside {@code remaining} (the bricks of the volume's other replicas):
     * active, with room, holding no replica of it, and apart from every remaining replica in every
     * failure-domain label both carry (the volume's original key is one of them) — the one with the
     * most free space. Null when none qualifies: the volume stays degraded rather than put two copies
     * in one domain.
     */
    public static String replacement(List<BrickCandidate> bricks, long sizeBytes, List<BrickCandidate> remaining) {
        Set<String> taken = new HashSet<>();
        remaining.forEach(r -> taken.add(r.name()));
        return bricks.stream()
                .filter(b -> b.active() && b.freeBytes() >= sizeBytes && !taken.contains(b.name()))
                .filter(b -> remaining.stream().allMatch(r -> apart(b, r)))
                .min(Comparator.comparingLong(BrickCandidate::freeBytes).reversed()
                        .thenComparing(BrickCandidate::name))
                .map(BrickCandidate::name).orElse(null);
    }

    private static boolean apart(BrickCandidate a, BrickCandidate b) {
        for (var e : a.failureDomains().entrySet()) {
            if (e.getValue().equals(b.failureDomains().get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
