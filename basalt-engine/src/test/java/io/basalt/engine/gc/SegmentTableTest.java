package io.basalt.engine.gc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentTableTest {
    @Test
    void shouldKeepTheReserveAndRotateOverDevices() {
        SegmentTable t = new SegmentTable(8, 2);
        int a = t.allocate(0);
        int b = t.allocate(0);
        assertThat(a % 2).isNotEqualTo(b % 2);
        for (int i = 0; i < 4; i++) {
            assertThat(t.allocate(2)).isNotNegative();
        }
        assertThat(t.freeCount()).isEqualTo(2);
        assertThat(t.allocate(2)).isEqualTo(-1);
        assertThat(t.allocate(0)).isNotNegative();
    }

    @Test
    void shouldForgetLiveBytesEndAndAgeWhenFreed() {
        SegmentTable t = new SegmentTable(4, 1);
        int s = t.allocate(0);
        t.addLive(s, 4096);
        t.written(s, 10, 8192);
        t.aged(s, 9);
        t.setState(s, SegmentTable.FULL);
        assertThat(t.live(s)).isEqualTo(4096);
        assertThat(t.end(s)).isEqualTo(8192);
        t.setState(s, SegmentTable.FREE);
        assertThat(t.live(s)).isZero();
        assertThat(t.end(s)).isZero();
        assertThat(t.dataSeq(s)).isZero();
        assertThat(t.freeCount()).isEqualTo(4);
    }

    @Test
    void shouldKeepACopyAsItWasWhenTheTableChanges() {
        SegmentTable t = new SegmentTable(4, 1);
        int s = t.allocate(0);
        t.written(s, 42, 8192);
        t.aged(s, 40);
        t.setState(s, SegmentTable.FULL);
        SegmentTable copy = t.copy();
        t.setState(s, SegmentTable.FREE);
        int again = t.allocate(0);
        t.written(again, 99, 4096);
        assertThat(copy.state(s)).isEqualTo(SegmentTable.FULL);
        assertThat(copy.lastSeq(s)).isEqualTo(42);
        assertThat(copy.dataSeq(s)).isEqualTo(40);
        assertThat(copy.end(s)).isEqualTo(8192);
        assertThat(copy.freeCount()).isEqualTo(3);
        assertThat(copy.segments()).isEqualTo(4);
    }
}
