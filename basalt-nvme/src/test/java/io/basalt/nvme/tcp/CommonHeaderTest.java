package io.basalt.nvme.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CommonHeaderTest {

    @Test
    void shouldPinTheHeaderAndDigestLengths() {
        assertThat(CommonHeader.LENGTH).isEqualTo(8);
        assertThat(CommonHeader.DIGEST_LENGTH).isEqualTo(4);
        assertThat(CommonHeader.TYPE_OFFSET).isZero();
        assertThat(CommonHeader.FLAGS_OFFSET).isEqualTo(1);
        assertThat(CommonHeader.HLEN_OFFSET).isEqualTo(2);
        assertThat(CommonHeader.PDO_OFFSET).isEqualTo(3);
        assertThat(CommonHeader.PLEN_OFFSET).isEqualTo(4);
    }

    @Test
    void shouldWriteEachFieldAtItsOffsetLittleEndian() {
        ByteBuf b = Unpooled.buffer();
        CommonHeader.write(b, 0x07, 0x0C, 0x18, 0x1C, 0x12345678);
        assertThat(b.readableBytes()).isEqualTo(8);
        assertThat(ByteBufs.bytes(b)).containsExactly(0x07, 0x0C, 0x18, 0x1C, 0x78, 0x56, 0x34, 0x12);
    }

    @Test
    void shouldWriteAtTheWriterIndexAndAdvanceIt() {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0xEE);
        CommonHeader.write(b, 4, 0, 72, 0, 72);
        assertThat(b.writerIndex()).isEqualTo(9);
        assertThat(CommonHeader.type(b, 1)).isEqualTo(4);
        assertThat(CommonHeader.hlen(b, 1)).isEqualTo(72);
        assertThat(CommonHeader.plen(b, 1)).isEqualTo(72);
    }

    @Test
    void shouldDecodeAHandWrittenHeader() {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufs.of(0x09, 0x01, 0x18, 0x00, 0x1C, 0x00, 0x00, 0x00));
        assertThat(CommonHeader.type(b, 0)).isEqualTo(PduType.R2T);
        assertThat(CommonHeader.flags(b, 0)).isEqualTo(PduFlags.HDGSTF);
        assertThat(CommonHeader.hlen(b, 0)).isEqualTo(24);
        assertThat(CommonHeader.pdo(b, 0)).isZero();
        assertThat(CommonHeader.plen(b, 0)).isEqualTo(28);
    }

    @Test
    void shouldReadBytesAbove127AsUnsigned() {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufs.of(0xFF, 0xF0, 0x80, 0x90, 0, 0, 0, 0));
        assertThat(CommonHeader.type(b, 0)).isEqualTo(0xFF);
        assertThat(CommonHeader.flags(b, 0)).isEqualTo(0xF0);
        assertThat(CommonHeader.hlen(b, 0)).isEqualTo(0x80);
        assertThat(CommonHeader.pdo(b, 0)).isEqualTo(0x90);
    }

    @Test
    void shouldReadAllOnesPlenAsUnsignedNotNegative() {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufs.of(0x04, 0, 72, 0, 0xFF, 0xFF, 0xFF, 0xFF));
        assertThat(CommonHeader.plen(b, 0)).isEqualTo(0xFFFFFFFFL).isPositive();
    }

    @Test
    void shouldReadFieldsRelativeToTheBaseIndex() {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufs.of(0xAA, 0xAA, 0xAA, 0x05, 0x08, 0x18, 0x00, 0x20, 0, 0, 0));
        assertThat(CommonHeader.type(b, 3)).isEqualTo(PduType.CAPSULE_RESP);
        assertThat(CommonHeader.flags(b, 3)).isEqualTo(PduFlags.SUCCESS);
        assertThat(CommonHeader.hlen(b, 3)).isEqualTo(24);
        assertThat(CommonHeader.plen(b, 3)).isEqualTo(32);
    }
}
