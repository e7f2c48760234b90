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
    void rejectsAnImpossibleReplicaCount() {
        assertThatThrownBy(() -> Placement.place(List.of(), GIB, 4, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 500)
    void placementHonoursEveryRule(@ForAll("clusters") List<BrickCandidate> bricks,
                                   @ForAll @IntRange(min = 1, max = 3) int replicas,
                                   @ForAll @IntRange(min = 1, max = 8) int sizeGib) {
        long size = sizeGib * GIB;
        Set<String> domains = new HashSet<>();
        bricks.stream().filter(b -> b.active() && b.freeBytes() >= size).forEach(b -> domains.add(b.domain("rack")));
        List<String> chosen;
        try {
            chosen = Placement.place(bricks, size, replicas, "rack");
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
            assertThat(used.add(b.domain("rack"))).as("domain reused: " + chosen).isTrue();
        }
        BrickCandidate primary = bricks.stream().filter(x -> x.name().equals(chosen.getFirst())).findFirst()
                .orElseThrow();
        assertThat(bricks.stream().filter(b -> b.active() && b.freeBytes() >= size)
                .mapToInt(BrickCandidate::primaries).min().orElseThrow()).isEqualTo(primary.primaries());
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
