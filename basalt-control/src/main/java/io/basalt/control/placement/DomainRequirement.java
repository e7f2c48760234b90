package io.basalt.control.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a new volume's replicas may go and where its primary should: sets of failure-domain labels,
 * as a Kubernetes StorageClass's {@code allowedTopologies} or a CSI topology requirement names them.
 *
 * <p>A brick is <em>in</em> a domain set when it carries every label of the set with the same value
 * ({@code {rack=r1}} holds every brick labelled {@code rack=r1}, whatever its other labels). Every
 * replica goes to a brick in one of the {@code allowed} sets (none given: any brick), so the data
 * stays where the request allows. The primary, which serves the hosts' I/O, goes to a brick in the
 * earliest {@code preferred} set that has an eligible brick, and anywhere allowed when none has: a
 * preference never refuses a volume.
 *
 * @param allowed   domain sets the replicas must stay in, any one per replica; empty: anywhere
 * @param preferred domain sets for the primary, best first; empty: no preference
 */
public record DomainRequirement(List<Map<String, String>> allowed, List<Map<String, String>> preferred) {
    /** No requirement: placement as if no domains were named. */
    public static final DomainRequirement ANY = new DomainRequirement(List.of(), List.of());
    /** A volume record's fields for its allowed sets: {@code allowed-domain.N.KEY = VALUE}, N from 0. */
    private static final String ALLOWED_FIELD = "allowed-domain.";

    public DomainRequirement {
        allowed = allowed.stream().map(Map::copyOf).toList();
        preferred = preferred.stream().map(Map::copyOf).toList();
    }

    /** Whether the brick may hold a replica: no allowed set is named, or it is in one. */
    public boolean admits(BrickCandidate brick) {
        return allowed.isEmpty() || allowed.stream().anyMatch(set -> in(brick, set));
    }

    /** The index of the first preferred set the brick is in; the number of sets when it is in none. */
    public int rank(BrickCandidate brick) {
        for (int i = 0; i < preferred.size(); i++) {
            if (in(brick, preferred.get(i))) {
                return i;
            }
        }
        return preferred.size();
    }

    /**
     * Records the allowed sets in a volume record's fields, so that a replica replacing a lost one
     * later stays where the volume was allowed (a preference was for the creation and is not kept).
     */
    public void addAllowedTo(Map<String, String> fields) {
        fields.keySet().removeIf(k -> k.startsWith(ALLOWED_FIELD));
        for (int i = 0; i < allowed.size(); i++) {
            for (var e : allowed.get(i).entrySet()) {
                fields.put(ALLOWED_FIELD + i + "." + e.getKey(), e.getValue());
            }
        }
    }

    /** The allowed sets a volume record's fields name (none for a volume placed without any). */
    public static DomainRequirement allowedIn(Map<String, String> fields) {
        TreeMap<Integer, Map<String, String>> sets = new TreeMap<>();
        fields.forEach((k, v) -> {
            if (k.startsWith(ALLOWED_FIELD)) {
                int dot = k.indexOf('.', ALLOWED_FIELD.length());
                try {
                    int i = Integer.parseInt(k.substring(ALLOWED_FIELD.length(), dot));
                    sets.computeIfAbsent(i, x -> new TreeMap<>()).put(k.substring(dot + 1), v);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("damaged allowed domain field '" + k + "'");
                }
            }
        });
        return new DomainRequirement(new ArrayList<>(sets.values()), List.of());
    }

    /** Whether the brick carries every label of the set. */
    public static boolean in(BrickCandidate brick, Map<String, String> set) {
        return set.entrySet().stream().allMatch(e -> e.getValue().equals(brick.failureDomains().get(e.getKey())));
    }
}
