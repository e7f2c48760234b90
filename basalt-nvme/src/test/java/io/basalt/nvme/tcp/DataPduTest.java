package io.basalt.nvme.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DataPduTest {

    @Test
    void shouldPinHeaderLengthAndOffsets() {
        assertThat(DataPdu.HEADER_LENGTH).isEqualTo(24);
        assertThat(DataPdu.CCCID_OFFSET).isEqualTo(8);
        assertThat(DataPdu.TTAG_OFFSET).isEqualTo(10);
        assertThat(DataPdu.DATAO_OFFSET).isEqualTo(12);
        assertThat(DataPdu.DATAL_OFFSET).isEqualTo(16);
    }

    @Test
    void shouldEncodeA24ByteHeaderWithEachFieldLittleEndian() {
        ByteBuf b = Unpooled.buffer();
        DataPdu.writeHeader(b, PduType.C2H_DATA, PduFlags.LAST_PDU | PduFlags.SUCCESS, 24, 24 + 0x1000,
                0xBEEF, 0x0102, 0x00030000, 0x1000);
        assertThat(b.readableBytes()).isEqualTo(24);
        assertThat(ByteBufs.bytes(b)).containsExactly(
                0x07, 0x0C, 0x18, 0x18, 0x18, 0x10, 0x00, 0x00, // CH: type, flags, hlen, pdo, plen
                0xEF, 0xBE, 0x02, 0x01,                         // cccid, ttag
                0x00, 0x00, 0x03, 0x00,                         // datao
                0x00, 0x10, 0x00, 0x00,                         // datal
                0x00, 0x00, 0x00, 0x00);                        // reserved
    }

    @Test
    void shouldZeroTheReservedDwordInADirtyBuffer() {
        ByteBuf b = Unpooled.buffer(32);
        for (int i = 0; i < 32; i++) {
            b.setByte(i, 0xFF);
        }
        DataPdu.writeHeader(b, PduType.H2C_DATA, PduFlags.LAST_PDU, 24, 28, 1, 2, 0, 4);
        assertThat(b.writerIndex()).isEqualTo(24);
        assertThat(ByteBufs.bytes(b, 20, 4)).containsOnly(0);
    }

    @Test
    void shouldDecodeAHandWrittenH2cDataHeader() {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufs.of(
                0x06, 0x05, 0x18, 0x1C, 0x20, 0x02, 0x00, 0x00,
                0x34, 0x12, 0xFF, 0xFF,
                0xFF, 0xFF, 0xFF, 0xFF,
                0x00, 0x02, 0x00, 0x80,
                0, 0, 0, 0));
        assertThat(CommonHeader.type(b, 0)).isEqualTo(PduType.H2C_DATA);
        assertThat(CommonHeader.flags(b, 0)).isEqualTo(PduFlags.LAST_PDU | PduFlags.HDGSTF);
        assertThat(CommonHeader.pdo(b, 0)).isEqualTo(28);
        assertThat(CommonHeader.plen(b, 0)).isEqualTo(0x220);
        assertThat(DataPdu.cccid(b, 0)).isEqualTo(0x1234);
        assertThat(DataPdu.ttag(b, 0)).isEqualTo(0xFFFF);
        assertThat(DataPdu.datao(b, 0)).isEqualTo(0xFFFFFFFFL);
        assertThat(DataPdu.datal(b, 0)).isEqualTo(0x80000200L);
    }

    @Test
    void shouldRoundTripAtANonZeroBase() {
        ByteBuf b = Unpooled.buffer();
        b.writeZero(3);
        DataPdu.writeHeader(b, PduType.C2H_DATA, 0, 32, 32 + 512, 7, 9, 4096, 512);
        assertThat(CommonHeader.pdo(b, 3)).isEqualTo(32);
        assertThat(CommonHeader.hlen(b, 3)).isEqualTo(24);
        assertThat(DataPdu.cccid(b, 3)).isEqualTo(7);
        assertThat(DataPdu.ttag(b, 3)).isEqualTo(9);
        assertThat(DataPdu.datao(b, 3)).isEqualTo(4096);
        assertThat(DataPdu.datal(b, 3)).isEqualTo(512);
    }
}
