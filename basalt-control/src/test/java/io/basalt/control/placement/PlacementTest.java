package io.basalt.control.placement;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlacementTest {
    private static final long GIB = 1L << 30;

    private static BrickCandidate brick(String name, String rack, long free, int primaries) {
        return new BrickCandidate(name, true, rack == null ? Map.of() : Map.of("rack", rack), free, primaries);
    }

    @Test
    void primaryGoesToTheBrickWithFewestPrimaries() throws PlacementException {
        List<BrickCandidate> bricks = List.of(brick("a", "r1", 10 * GIB, 2), brick("b", "r2", 5 * GIB, 0),
                brick("c", "r3", 20 * GIB, 1));
        assertThat(Placement.place(bricks, GIB, 1, null)).containsExactly("b");
        assertThat(Placement.place(bricks, GIB, 3, "rack")).containsExactly("b", "c", "a");
    }

    @Test
    void replicasNeverShareAFailureDomain() throws PlacementException {
        List<BrickCandidate> bricks = List.of(brick("a", "r1", 30 * GIB, 0), brick("b", "r1", 20 * GIB, 0),
                brick("c", "r2", 10 * GIB, 0));
        assertThat(Placement.place(bricks, GIB, 2, "rack")).containsExactly("a", "c");
        assertThat(Placement.place(bricks, GIB, 3, null)).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void refusesWithTheDomainsItFound() {
        List<BrickCandidate> bricks = List.of(brick("a", "r1", 30 * GIB, 0), brick("b", "r1", 20 * GIB, 0),
                brick("c", "r2", 10 * GIB, 0), new BrickCandidate("d", false, Map.of("rack", "r3"), 99 * GIB, 0),
                brick("e", "r4", GIB / 2, 0));
        assertThatThrownBy(() -> Placement.place(bricks, GIB, 3, "rack"))
                .isInstanceOf(PlacementException.class)
                .hasMessageContaining("3 replicas need 3 distinct failure domains of key 'rack'")
                .hasMessageContaining("there are 2: {rack=r1=[a, b], rack=r2=[c]}")
                .hasMessageContaining("too full: [e]")
                .hasMessageContaining("not active: [d]");
    }

    @Test
    void aBrickWithoutTheLabelIsItsOwnDomain() throws PlacementException {
        List<BrickCandidate> bricks = List.of(brick("a", "r1", 30 * GIB, 0), brick("b", null, 20 * GIB, 0));
        assertThat(Placement.place(bricks, GIB, 2, "rack")).containsExactly("a", "b");
    }

    @Test
    void everyReplicaStaysInTheAllowedDomains() throws PlacementException {
        List<BrickCandidate> bricks = List.of(zoned("a", "r1", "z1", 90 * GIB, 0), zoned("b", "r2", "z1", 10 * GIB, 3),
                zoned("c", "r3", "z2", 50 * GIB, 0), zoned("d", "r4", "z2", 40 * GIB, 0));
        DomainRequirement z1 = new DomainRequirement(List.of(Map.of("zone", "z1")), List.of());
        assertThat(Placement.place(bricks, GIB, 2, "rack", z1)).containsExactly("a", "b");
        DomainRequirement r2OrZ2 = new DomainRequirement(List.of(Map.of("rack", "r2"), Map.of("zone", "z2")),
                List.of());
        assertThat(Placement.place(bricks, GIB, 3, "rack", r2OrZ2)).containsExactlyInAnyOrder("b", "c", "d");
        // A set names several labels: a brick must carry all of them.
        DomainRequirement r3z1 = new DomainRequirement(List.of(Map.of("rack", "r3", "zone", "z1")), List.of());
        assertThatThrownBy(() -> Placement.place(bricks, GIB, 1, "rack", r3z1))
                .isInstanceOf(PlacementException.class);
    }

    @Test
    void refusesWhenTheAllowedDomainsCannotHoldEveryReplicaAndSaysWhichBricksWereOutside() {
        List<BrickCandidate> bricks = List.of(zoned("a", "r1", "z1", 90 * GIB, 0), zoned("b", "r1", "z1", 10 * GIB, 0),
                zoned("c", "r3", "z2", 50 * GIB, 0));
        DomainRequirement z1 = new DomainRequirement(List.of(Map.of("zone", "z1")), List.of());
        assertThatThrownBy(() -> Placement.place(bricks, GIB, 2, "rack", z1))
                .isInstanceOf(PlacementException.class)
                .hasMessageContaining("2 replicas need 2 distinct failure domains of key 'rack' in the allowed "
                        + "domains [{zone=z1}]")
                .hasMessageContaining("there is 1: {rack=r1=[a, b]}")
                .hasMessageContaining("outside the allowed domains: [c]");
    }

    @Test
    void thePrimaryGoesToTheFirstPreferredDomainThatHasRoomElseAnywhereAllowed() throws PlacementException {
        List<BrickCandidate> bricks = List.of(zoned("a", "r1", "z1", 90 * GIB, 0), zoned("b", "r2", "z2", 10 * GIB, 5),
                zoned("c", "r3", "z3", 50 * GIB, 0));
        DomainRequirement nearB = new DomainRequirement(List.of(),
                List.of(Map.of("zone", "z9"), Map.of("zone", "z2"), Map.of("zone", "z1")));
        // b serves 5 primaries, but the request prefers its zone: I/O stays near the consumer.
        assertThat(Placement.place(bricks, GIB, 2, "rack", nearB)).containsExactly("b", "a");
        // b has no room for 20 GiB: the next preferred zone's brick.
        assertThat(Placement.place(bricks, 20 * GIB, 1, "rack", nearB)).containsExactly("a");
        DomainRequirement nowhere = new DomainRequirement(List.of(), List.of(Map.of("zone", "z9")));
        assertThat(Placement.place(bricks, GIB, 1, "rack", nowhere)).containsExactly("a");
    }

    @Test
    void theAllowedDomainsSurviveInAVolumeRecordsFields() {
        DomainRequirement r = new DomainRequirement(List.of(Map.of("zone", "z1", "rack", "r2"), Map.of("zone", "z.2")),
                List.of(Map.of("rack", "r9")));
        Map<String, String> fields = new java.util.TreeMap<>(Map.of("name", "v", "allowed-domain.7.old", "x"));
        r.addAllowedTo(fields);
        assertThat(fields).containsEntry("allowed-domain.0.rack", "r2").containsEntry("allowed-domain.1.zone", "z.2")
                .doesNotContainKey("allowed-domain.7.old");
        assertThat(DomainRequirement.allowedIn(fields))
                .isEqualTo(new DomainRequirement(r.allowed(), List.of()));
        assertThat(DomainRequirement.allowedIn(Map.of("name", "v"))).isEqualTo(DomainRequirement.ANY);
    }

    private static BrickCandidate zoned(String name, String rack, String zone, long free, int primaries) {
        return new BrickCandidate(name, true, Map.of("rack", rack, "zone", zone), free, primaries);
    }

    @Test
    void rejectsAnImpossibleReplicaCount() {
        assertThatThrownBy(() -> Placement.place(List.of(), GIB, 4, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 500)
    void placementHonoursEveryRule(@ForAll("clusters") List<BrickCandidate> bricks,
                                   @ForAll @IntRange(min = 1, max = 3) int replicas,
                                   @ForAll @IntRange(min = 1, max = 8) int sizeGib,
                                   @ForAll("requirements") DomainRequirement requirement) {
        long size = sizeGib * GIB;
        Set<String> domains = new HashSet<>();
        bricks.stream().filter(b -> b.active() && b.freeBytes() >= size && requirement.admits(b))
                .forEach(b -> domains.add(b.domain("rack")));
        List<String> chosen;
        try {
            chosen = Placement.place(bricks, size, replicas, "rack", requirement);
        } catch (PlacementException e) {
            assertThat(domains.size()).as("refused although possible: " + e.getMessage()).isLessThan(replicas);
            return;
        }
        assertThat(chosen).hasSize(replicas).doesNotHaveDuplicates();
        Set<String> used = new HashSet<>();
        for (String name : chosen) {
            BrickCandidate b = bricks.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            assertThat(b.active()).isTrue();
            assertThat(b.freeBytes()).isGreaterThanOrEqualTo(size);
            assertThat(requirement.admits(b)).as("outside the allowed domains: " + name).isTrue();
            assertThat(used.add(b.domain("rack"))).as("domain reused: " + chosen).isTrue();
        }
        BrickCandidate primary = bricks.stream().filter(x -> x.name().equals(chosen.getFirst())).findFirst()
                .orElseThrow();
        List<BrickCandidate> eligible = bricks.stream()
                .filter(b -> b.active() && b.freeBytes() >= size && requirement.admits(b)).toList();
        int bestRank = eligible.stream().mapToInt(requirement::rank).min().orElseThrow();
        assertThat(requirement.rank(primary)).as("primary not in the most preferred domain").isEqualTo(bestRank);
        assertThat(eligible.stream().filter(b -> requirement.rank(b) == bestRank)
                .mapToInt(BrickCandidate::primaries).min().orElseThrow()).isEqualTo(primary.primaries());
    }

    @Provide
    Arbitrary<DomainRequirement> requirements() {
        Arbitrary<List<Map<String, String>>> sets = Arbitraries.of("r1", "r2", "r3", "r4")
                .map(rack -> Map.of("rack", rack)).list().ofMaxSize(3);
        return Combinators.combine(sets, sets).as(DomainRequirement::new);
    }

    @Provide
    Arbitrary<List<BrickCandidate>> clusters() {
        Arbitrary<BrickCandidate> one = Combinators.combine(Arbitraries.of("r1", "r2", "r3", "r4"),
                        Arbitraries.of(true, true, false), Arbitraries.longs().between(0, 10 * GIB),
                        Arbitraries.integers().between(0, 5))
                .as((rack, active, free, primaries) -> new BrickCandidate("x", active, Map.of("rack", rack), free,
                        primaries));
        return one.list().ofMinSize(0).ofMaxSize(8).map(list -> {
            List<BrickCandidate> named = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                BrickCandidate b = list.get(i);
                named.add(new BrickCandidate("b" + i, b.active(), b.failureDomains(), b.freeBytes(), b.primaries()));
            }
            return named;
        });
    }

    @Test
    void aReplacementGoesToAnotherDomainWithRoomOrNowhere() {
        BrickCandidate r1 = brick("a", "r1", 10 * GIB, 1);
        BrickCandidate r2 = brick("b", "r2", 10 * GIB, 0);
        List<BrickCandidate> bricks = List.of(r1, r2, brick("c", "r1", 50 * GIB, 0), brick("d", "r3", 20 * GIB, 0),
                brick("e", "r4", 30 * GIB, 0), new BrickCandidate("f", false, Map.of("rack", "r5"), 90 * GIB, 0),
                brick("g", "r6", GIB / 2, 0));
        // c shares rack r1 with a; f is not active; g has no room: e, the most free of the rest.
        assertThat(Placement.replacement(bricks, GIB, List.of(r1, r2))).isEqualTo("e");
        assertThat(Placement.replacement(List.of(r1, r2, brick("c", "r1", 50 * GIB, 0)), GIB, List.of(r1, r2)))
                .isNull();
    }
}
