package io.basalt.engine.services;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ZstdCompressorTest extends BlockCompressorContract {
    @Override
    BlockCompressor create() {
        return new ZstdCompressor(ZstdCompressor.DEFAULT_LEVEL);
    }

    @Test
    void shouldDecodeWhateverLevelWroteIt() throws Exception {
        byte[] block = BlockKind.TEXT.fill(4, 4096);
        byte[] scratch = new byte[BlockCompressor.outputCapacity(4096)];
        try (ZstdCompressor level9 = new ZstdCompressor(9)) {
            int n = level9.compress(block, 0, 4096, scratch, 0);
            byte[] back = new byte[4096];
            codec.decompress(scratch, 0, n, back, 0, 4096);
            assertThat(back).isEqualTo(block);
        }
    }
}
