package io.basalt.engine.services;

import com.github.luben.zstd.Zstd;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompressedPayloadTest {
    @Test
    void shouldPinTheHeaderLayout() {
        assertThat(CompressedPayload.TAG_OFFSET).isZero();
        assertThat(CompressedPayload.RESERVED_OFFSET).isEqualTo(1);
        assertThat(CompressedPayload.BODY_LENGTH_OFFSET).isEqualTo(2);
        assertThat(CompressedPayload.HEADER_LENGTH).isEqualTo(4);
        assertThat(CompressionAlgorithm.LZ4.tag()).isEqualTo(1);
        assertThat(CompressionAlgorithm.ZSTD.tag()).isEqualTo(2);
    }

    @Test
    void shouldWriteTheHeaderLittleEndianAndZeroThePadding() {
        byte[] dst = new byte[400];
        java.util.Arrays.fill(dst, (byte) 0x77);
        int n = CompressedPayload.seal(dst, 16, CompressionAlgorithm.ZSTD, 0x101);
        assertThat(n).isEqualTo(272);
        assertThat(dst[16]).isEqualTo((byte) 2);
        assertThat(dst[17]).isZero();
        assertThat(dst[18]).isEqualTo((byte) 0x01);
        assertThat(dst[19]).isEqualTo((byte) 0x01);
        assertThat(dst[16 + 4 + 0x101 - 1]).isEqualTo((byte) 0x77);
        for (int i = 16 + 4 + 0x101; i < 16 + 272; i++) {
            assertThat(dst[i]).isZero();
        }
        assertThat(dst[16 + 272]).isEqualTo((byte) 0x77);
    }

    @Test
    void shouldPadToSixteenByteUnits() {
        assertThat(CompressedPayload.paddedLength(1)).isEqualTo(16);
        assertThat(CompressedPayload.paddedLength(12)).isEqualTo(16);
        assertThat(CompressedPayload.paddedLength(13)).isEqualTo(32);
    }

    @Test
    void shouldRequireAnEighthSavedToStoreCompressed() {
        assertThat(CompressedPayload.maxCompressedLength(4096)).isEqualTo(3584);
        assertThat(CompressedPayload.maxCompressedLength(512)).isEqualTo(448);
    }

    @Test
    void shouldGiveCodecsRoomForTheirWorstCase() {
        for (int bs : new int[]{16, 512, 4096, CompressedPayload.MAX_BLOCK_LENGTH}) {
            int capacity = BlockCompressor.outputCapacity(bs);
            assertThat(capacity % 16).isZero();
            assertThat(capacity).isGreaterThanOrEqualTo(CompressedPayload.HEADER_LENGTH
                    + LZ4Factory.fastestInstance().fastCompressor().maxCompressedLength(bs));
            assertThat((long) capacity).isGreaterThanOrEqualTo(CompressedPayload.HEADER_LENGTH + Zstd.compressBound(bs));
        }
    }

    @Test
    void shouldRejectBlockLengthsTheFormatCannotCarry() {
        for (int bad : new int[]{0, 8, 4100, CompressedPayload.MAX_BLOCK_LENGTH + 16}) {
            assertThatThrownBy(() -> CompressedPayload.checkBlockLength(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldReadNoTagFromATooShortPayload() {
        assertThat(CompressedPayload.tag(new byte[16], 0, 3)).isEqualTo(-1);
        assertThat(CompressedPayload.tag(new byte[16], 14, 16)).isEqualTo(-1);
    }
}
