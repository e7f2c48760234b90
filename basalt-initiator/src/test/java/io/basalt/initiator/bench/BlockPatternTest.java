package io.basalt.initiator.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BlockPatternTest {
    private final BlockPattern pattern = new BlockPattern(512);

    @Test
    void shouldReadBackTheGenerationOfAnIntactBlock() {
        ByteBuf b = Unpooled.directBuffer(4096).writeZero(4096);
        pattern.fill(b, 0, 100, 8, 77);
        for (int i = 0; i < 8; i++) {
            assertThat(pattern.check(b, i * 512, 100 + i)).isEqualTo(77);
        }
    }

    @Test
    void shouldTellMisdirectedCorruptAndForeignBlocksApart() {
        ByteBuf b = Unpooled.buffer(512).writeZero(512);
        assertThat(pattern.check(b, 0, 5)).isEqualTo(BlockPattern.NOT_A_PATTERN);
        pattern.fill(b, 0, 5, 1, 1);
        assertThat(pattern.check(b, 0, 6)).isEqualTo(BlockPattern.WRONG_LBA);
        b.setByte(300, b.getByte(300) ^ 1);
        assertThat(pattern.check(b, 0, 5)).isEqualTo(BlockPattern.BAD_CHECKSUM);
    }
}
