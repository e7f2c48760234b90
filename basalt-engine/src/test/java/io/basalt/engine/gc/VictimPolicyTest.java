package io.basalt.engine.gc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VictimPolicyTest {
    private static final int SIZE = 1000;

    private static int full(SegmentTable t, int live, long seq) {
        int s = t.allocate(0);
        t.addLive(s, live);
        t.written(s, seq, SIZE);
        t.aged(s, seq);
        t.setState(s, SegmentTable.FULL);
        return s;
    }

    @Test
    void shouldPreferEmptierSegmentsAtEqualAge() {
        SegmentTable t = new SegmentTable(4, 1);
        full(t, 900, 10);
        int emptier = full(t, 300, 10);
        assertThat(VictimPolicy.choose(t, SIZE, 100, 100, 1000)).isEqualTo(emptier);
    }

    @Test
    void shouldPreferOlderDataAtEqualUtilisation() {
        SegmentTable t = new SegmentTable(4, 1);
        int old = full(t, 500, 10);
        full(t, 500, 90);
        assertThat(VictimPolicy.choose(t, SIZE, 100, 100, 1000)).isEqualTo(old);
    }

    @Test
    void shouldPreferAnOlderFullerSegmentToAYoungEmptierOneWhileAgesAreBelowTheCap() {
        SegmentTable t = new SegmentTable(4, 1);
        int older = full(t, 500, 10);
        full(t, 300, 90);
        // (1 - 0.5) * 90 / 1.5 = 30 against (1 - 0.3) * 10 / 1.3 = 5.4: cost-benefit.
        assertThat(VictimPolicy.choose(t, SIZE, 100, 100, 1000)).isEqualTo(older);
    }

    @Test
    void shouldChooseOnUtilisationAloneOnceBothAreOlderThanTheCap() {
        SegmentTable t = new SegmentTable(4, 1);
        full(t, 500, 10);
        int emptier = full(t, 300, 90);
        assertThat(VictimPolicy.choose(t, SIZE, 100, 100, 10)).isEqualTo(emptier);
        assertThat(VictimPolicy.choose(t, SIZE, 100, 100, 1)).as("a cap of 1 is greedy").isEqualTo(emptier);
    }

    @Test
    void shouldNeverChooseASegmentFullOfLiveData() {
        SegmentTable t = new SegmentTable(4, 1);
        full(t, SIZE, 1);
        assertThat(VictimPolicy.choose(t, SIZE, 100, 100, 1000)).isEqualTo(-1);
    }

    @Test
    void shouldSkipSegmentsWrittenSinceTheLastCheckpointAndFullOnes() {
        SegmentTable t = new SegmentTable(4, 1);
        full(t, 0, 150);
        full(t, SIZE, 10);
        assertThat(VictimPolicy.choose(t, SIZE, 100, 200, 1000)).isEqualTo(-1);
    }
}
