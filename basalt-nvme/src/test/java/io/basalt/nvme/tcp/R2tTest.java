package io.basalt.nvme.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class R2tTest {

    @Test
    void shouldPinLengthAndOffsets() {
        assertThat(R2t.LENGTH).isEqualTo(24);
        assertThat(R2t.CCCID_OFFSET).isEqualTo(8);
        assertThat(R2t.TTAG_OFFSET).isEqualTo(10);
        assertThat(R2t.R2TO_OFFSET).isEqualTo(12);
        assertThat(R2t.R2TL_OFFSET).isEqualTo(16);
    }

    @Test
    void shouldEncodeA24ByteR2tWithEachFieldLittleEndian() {
        ByteBuf b = Unpooled.buffer();
        R2t.write(b, PduFlags.HDGSTF, 28, 0xA1B2, 0x0003, 0x00001000, 0x00020000);
        assertThat(b.readableBytes()).isEqualTo(24);
        assertThat(ByteBufs.bytes(b)).containsExactly(
                0x09, 0x01, 0x18, 0x00, 0x1C, 0x00, 0x00, 0x00, // CH: R2T, HDGSTF, hlen 24, pdo 0, plen 28
                0xB2, 0xA1, 0x03, 0x00,                         // cccid, ttag
                0x00, 0x10, 0x00, 0x00,                         // r2to
                0x00, 0x00, 0x02, 0x00,                         // r2tl
                0x00, 0x00, 0x00, 0x00);
    }

    @Test
    void shouldDecodeAHandWrittenR2t() {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufs.of(
                0x09, 0x00, 0x18, 0x00, 0x18, 0x00, 0x00, 0x00,
                0xFF, 0xFF, 0x01, 0x80,
                0xFF, 0xFF, 0xFF, 0xFF,
                0x00, 0x00, 0x10, 0x00,
                0, 0, 0, 0));
        assertThat(CommonHeader.type(b, 0)).isEqualTo(PduType.R2T);
        assertThat(R2t.cccid(b, 0)).isEqualTo(0xFFFF);
        assertThat(R2t.ttag(b, 0)).isEqualTo(0x8001);
        assertThat(R2t.r2to(b, 0)).isEqualTo(0xFFFFFFFFL);
        assertThat(R2t.r2tl(b, 0)).isEqualTo(0x100000L);
    }

    @Test
    void shouldShareOffsetsWithDataPdusSoOneReaderServesBoth() {
        assertThat(R2t.CCCID_OFFSET).isEqualTo(DataPdu.CCCID_OFFSET);
        assertThat(R2t.TTAG_OFFSET).isEqualTo(DataPdu.TTAG_OFFSET);
        assertThat(R2t.R2TO_OFFSET).isEqualTo(DataPdu.DATAO_OFFSET);
        assertThat(R2t.R2TL_OFFSET).isEqualTo(DataPdu.DATAL_OFFSET);
    }
}
