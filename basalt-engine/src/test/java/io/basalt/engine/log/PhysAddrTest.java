package io.basalt.engine.log;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhysAddrTest {
    @Test
    void shouldPackAndUnpackEveryField() {
        long a = PhysAddr.pack(PhysAddr.MAX_SEGMENTS - 1, PhysAddr.MAX_SEGMENT_SIZE - 16, 4096);
        assertThat(PhysAddr.segment(a)).isEqualTo(PhysAddr.MAX_SEGMENTS - 1);
        assertThat(PhysAddr.offset(a)).isEqualTo(PhysAddr.MAX_SEGMENT_SIZE - 16);
        assertThat(PhysAddr.length(a)).isEqualTo(4096);
        long b = PhysAddr.pack(3, 4096 + 512, 16);
        assertThat(PhysAddr.segment(b)).isEqualTo(3);
        assertThat(PhysAddr.offset(b)).isEqualTo(4608);
        assertThat(PhysAddr.length(b)).isEqualTo(16);
    }

    @Test
    void shouldNeverPackToNoneForAPayload() {
        // Offset 0 is a batch header; the smallest payload address is still non-zero via its length bits.
        assertThat(PhysAddr.pack(0, 4096, 16)).isNotEqualTo(PhysAddr.NONE);
    }

    @Test
    void shouldRejectUnalignedOrOversizedFields() {
        assertThatThrownBy(() -> PhysAddr.pack(0, 8, 4096)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PhysAddr.pack(0, 4096, 4112)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PhysAddr.pack(0, PhysAddr.MAX_SEGMENT_SIZE, 16)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldKeepFlagsApartFromThePlace() {
        long a = PhysAddr.pack(5, 8192, 1024, PhysAddr.COMPRESSED);
        assertThat(PhysAddr.isCompressed(a)).isTrue();
        assertThat(PhysAddr.isExtent(a)).isFalse();
        assertThat(PhysAddr.segment(a)).isEqualTo(5);
        assertThat(PhysAddr.offset(a)).isEqualTo(8192);
        assertThat(PhysAddr.length(a)).isEqualTo(1024);
        assertThat(a).isNotEqualTo(PhysAddr.pack(5, 8192, 1024));
    }

    @Test
    void shouldPackExtentReferences() {
        long e = PhysAddr.extent((1L << 59) - 1);
        assertThat(PhysAddr.isExtent(e)).isTrue();
        assertThat(PhysAddr.isCompressed(e)).isFalse();
        assertThat(PhysAddr.extentId(e)).isEqualTo((1L << 59) - 1);
        assertThatThrownBy(() -> PhysAddr.extent(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
