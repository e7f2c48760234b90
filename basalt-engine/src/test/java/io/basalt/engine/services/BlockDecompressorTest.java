package io.basalt.engine.services;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockDecompressorTest {
    @Test
    void shouldDecodeBlocksOfEitherCodecAfterTheSettingChanges() throws Exception {
        byte[] block = BlockKind.TEXT.fill(8, 4096);
        byte[] lz4 = new byte[BlockCompressor.outputCapacity(4096)];
        byte[] zstd = new byte[BlockCompressor.outputCapacity(4096)];
        int nLz4;
        int nZstd;
        try (BlockCompressor a = BlockCompressor.create(CompressionAlgorithm.LZ4, 0);
             BlockCompressor b = BlockCompressor.create(CompressionAlgorithm.ZSTD, 3)) {
            nLz4 = a.compress(block, 0, 4096, lz4, 0);
            nZstd = b.compress(block, 0, 4096, zstd, 0);
        }
        try (BlockDecompressor d = new BlockDecompressor()) {
            byte[] back = new byte[4096];
            d.decompress(lz4, 0, nLz4, back, 0, 4096);
            assertThat(back).isEqualTo(block);
            back = new byte[4096];
            d.decompress(zstd, 0, nZstd, back, 0, 4096);
            assertThat(back).isEqualTo(block);
        }
    }

    @Test
    void shouldRejectUnknownTagsAndTinyPayloads() {
        try (BlockDecompressor d = new BlockDecompressor()) {
            byte[] payload = new byte[32];
            payload[0] = 9;
            assertThatThrownBy(() -> d.decompress(payload, 0, 32, new byte[4096], 0, 4096))
                    .isInstanceOf(CorruptPayloadException.class).hasMessageContaining("tag 9");
            assertThatThrownBy(() -> d.decompress(payload, 30, 2, new byte[4096], 0, 4096))
                    .isInstanceOf(CorruptPayloadException.class);
        }
    }
}
