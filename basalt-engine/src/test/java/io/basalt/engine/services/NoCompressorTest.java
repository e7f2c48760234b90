package io.basalt.engine.services;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NoCompressorTest {
    @Test
    void shouldStoreEveryBlockRaw() {
        try (BlockCompressor off = BlockCompressor.create(CompressionAlgorithm.OFF, 0)) {
            assertThat(off.algorithm()).isEqualTo(CompressionAlgorithm.OFF);
            assertThat(off.compress(new byte[4096], 0, 4096, new byte[8192], 0)).isEqualTo(BlockCompressor.RAW);
            assertThatThrownBy(() -> off.decompress(new byte[32], 0, 32, new byte[4096], 0, 4096))
                    .isInstanceOf(CorruptPayloadException.class);
        }
    }

    @Test
    void shouldParseTheConfigurationNames() {
        assertThat(CompressionAlgorithm.parse("LZ4")).isEqualTo(CompressionAlgorithm.LZ4);
        assertThat(CompressionAlgorithm.parse(" zstd")).isEqualTo(CompressionAlgorithm.ZSTD);
        assertThat(CompressionAlgorithm.parse("off")).isEqualTo(CompressionAlgorithm.OFF);
        assertThatThrownBy(() -> CompressionAlgorithm.parse("gzip")).isInstanceOf(IllegalArgumentException.class);
    }
}
