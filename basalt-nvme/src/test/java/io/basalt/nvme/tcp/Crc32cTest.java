package io.basalt.nvme.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

class Crc32cTest {
    /** The CRC-32C check value: the digest of the ASCII digits 1 to 9. */
    private static final int CHECK = 0xE3069283;
    private static final byte[] DIGITS = "123456789".getBytes(StandardCharsets.US_ASCII);

    private final CRC32C crc = new CRC32C();

    @Test
    void shouldComputeTheCheckValueOverAHeapBuffer() {
        ByteBuf b = Unpooled.wrappedBuffer(DIGITS);
        assertThat(b.hasArray()).isTrue();
        assertThat(Crc32c.compute(crc, b, 0, 9)).isEqualTo(CHECK);
    }

    @Test
    void shouldComputeTheCheckValueOverADirectBuffer() {
        ByteBuf b = Unpooled.directBuffer(16).writeBytes(DIGITS);
        try {
            assertThat(Crc32c.compute(crc, b, 0, 9)).isEqualTo(CHECK);
        } finally {
            b.release();
        }
    }

    @Test
    void shouldComputeTheCheckValueAcrossTheComponentsOfACompositeBuffer() {
        CompositeByteBuf b = Unpooled.compositeBuffer();
        b.addComponents(true, Unpooled.wrappedBuffer(DIGITS, 0, 4), Unpooled.directBuffer(5).writeBytes(DIGITS, 4, 5));
        try {
            assertThat(b.nioBufferCount()).isEqualTo(2);
            assertThat(Crc32c.compute(crc, b, 0, 9)).isEqualTo(CHECK);
        } finally {
            b.release();
        }
    }

    @Test
    void shouldDigestOnlyTheGivenRange() {
        ByteBuf b = Unpooled.buffer().writeBytes(new byte[] {(byte) 0xAA, 0x55}).writeBytes(DIGITS).writeByte(0x11);
        assertThat(Crc32c.compute(crc, b, 2, 9)).isEqualTo(CHECK);
    }

    @Test
    void shouldResetBeforeComputingSoOneCrcServesEveryPdu() {
        ByteBuf b = Unpooled.wrappedBuffer(DIGITS);
        Crc32c.compute(crc, Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), 0, 3);
        assertThat(Crc32c.compute(crc, b, 0, 9)).isEqualTo(CHECK);
    }

    @Test
    void shouldAccumulateUpdatesOverPiecesToTheWholeDigest() {
        crc.reset();
        Crc32c.update(crc, Unpooled.wrappedBuffer(DIGITS, 0, 2), 0, 2);
        Crc32c.update(crc, Unpooled.wrappedBuffer(DIGITS), 2, 0);
        Crc32c.update(crc, Unpooled.wrappedBuffer(DIGITS), 2, 7);
        assertThat((int) crc.getValue()).isEqualTo(CHECK);
    }
}
