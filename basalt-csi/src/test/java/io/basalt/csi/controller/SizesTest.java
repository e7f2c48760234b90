package io.basalt.csi.controller;

import csi.v1.CapacityRange;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizesTest {
    private static CapacityRange range(long required, long limit) {
        return CapacityRange.newBuilder().setRequiredBytes(required).setLimitBytes(limit).build();
    }

    private static void assertOutOfRange(CapacityRange r, int blockSize, long floor) {
        assertThatThrownBy(() -> Sizes.choose(r, blockSize, floor)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE));
    }

    @Test
    void shouldRoundTheRequiredSizeUpToWholeBlocksWithinTheLimit() {
        assertThat(Sizes.choose(range(1, 0), 4096, 0)).isEqualTo(4096);
        assertThat(Sizes.choose(range(4096, 4096), 4096, 0)).isEqualTo(4096);
        assertThat(Sizes.choose(range(513, 0), 512, 0)).isEqualTo(1024);
        assertOutOfRange(range(4097, 8191), 4096, 0);
        assertOutOfRange(range(10, 5), 4096, 0);
    }

    @Test
    void shouldChooseTheDefaultCappedByTheLimitWhenNothingIsRequired() {
        assertThat(Sizes.choose(range(0, 0), 4096, 0)).isEqualTo(Sizes.DEFAULT_BYTES);
        assertThat(Sizes.choose(range(0, 10_000), 4096, 0)).isEqualTo(8192);
        assertOutOfRange(range(0, 4095), 4096, 0);
    }

    @Test
    void shouldNeverGoBelowTheSourceOfAClone() {
        assertThat(Sizes.choose(range(1, 0), 4096, 1 << 20)).isEqualTo(1 << 20);
        assertThat(Sizes.choose(range(0, 0), 4096, 1 << 20)).isEqualTo(1 << 20);
        assertOutOfRange(range(1, 4096), 4096, 1 << 20);
    }

    @Test
    void shouldRefuseNegativeBytesAndWhatTheApiCannotHold() {
        assertThatThrownBy(() -> Sizes.choose(range(-1, 0), 4096, 0)).isInstanceOfSatisfying(
                StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertOutOfRange(range(Sizes.MAX_BYTES + 1, 0), 4096, 0);
        assertThat(Sizes.fits(8192, range(4096, 0))).isTrue();
        assertThat(Sizes.fits(8192, range(4096, 8191))).isFalse();
    }
}
