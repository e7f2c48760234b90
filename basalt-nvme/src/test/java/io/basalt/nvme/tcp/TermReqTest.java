package io.basalt.nvme.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TermReqTest {

    @Test
    void shouldPinLengthsOffsetsAndStatusValues() {
        assertThat(TermReq.HEADER_LENGTH).isEqualTo(24);
        assertThat(TermReq.FES_OFFSET).isEqualTo(8);
        assertThat(TermReq.FEI_OFFSET).isEqualTo(10);
        assertThat(TermReq.MAX_ERROR_DATA).isEqualTo(128);
        assertThat(TermReq.FES_INVALID_HEADER_FIELD).isEqualTo(1);
        assertThat(TermReq.FES_PDU_SEQUENCE_ERROR).isEqualTo(2);
        assertThat(TermReq.FES_HEADER_DIGEST_ERROR).isEqualTo(3);
        assertThat(TermReq.FES_DATA_OUT_OF_RANGE).isEqualTo(4);
        assertThat(TermReq.FES_DATA_LIMIT_EXCEEDED).isEqualTo(5);
        assertThat(TermReq.FES_UNSUPPORTED_PARAMETER).isEqualTo(6);
    }

    @Test
    void shouldEncodeAHeaderOnlyTermReqWithoutErrorData() {
        ByteBuf b = Unpooled.buffer();
        TermReq.write(b, PduType.C2H_TERM_REQ, TermReq.FES_DATA_OUT_OF_RANGE, 0x01020304, null, 0, 50);
        assertThat(b.readableBytes()).isEqualTo(24);
        assertThat(ByteBufs.bytes(b)).containsExactly(
                0x03, 0x00, 0x18, 0x00, 0x18, 0x00, 0x00, 0x00, // CH: C2HTermReq, no flags, hlen 24, plen 24
                0x04, 0x00,                                     // fes le16
                0x04, 0x03, 0x02, 0x01,                         // fei le32
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0);                  // reserved
    }

    @Test
    void shouldCopyTheOffendingHeaderAsErrorData() {
        ByteBuf offending = Unpooled.buffer();
        offending.writeZero(2);
        for (int i = 0; i < 72; i++) {
            offending.writeByte(i + 1);
        }
        ByteBuf b = Unpooled.buffer();
        TermReq.write(b, PduType.C2H_TERM_REQ, TermReq.FES_INVALID_HEADER_FIELD, 2, offending, 2, 72);
        assertThat(b.readableBytes()).isEqualTo(24 + 72);
        assertThat(CommonHeader.plen(b, 0)).isEqualTo(96);
        assertThat(CommonHeader.hlen(b, 0)).isEqualTo(24);
        assertThat(ByteBufs.bytes(b, 24, 72)).containsExactly(ByteBufs.bytes(offending, 2, 72));
        assertThat(offending.readerIndex()).as("the offending buffer is not consumed").isZero();
    }

    @Test
    void shouldCapErrorDataAt128Bytes() {
        ByteBuf offending = Unpooled.buffer();
        for (int i = 0; i < 200; i++) {
            offending.writeByte(i);
        }
        ByteBuf b = Unpooled.buffer();
        TermReq.write(b, PduType.C2H_TERM_REQ, TermReq.FES_INVALID_HEADER_FIELD, 0, offending, 0, 200);
        assertThat(b.readableBytes()).isEqualTo(24 + 128);
        assertThat(CommonHeader.plen(b, 0)).isEqualTo(152);
        assertThat(ByteBufs.bytes(b, 24, 128)).containsExactly(ByteBufs.bytes(offending, 0, 128));
    }

    @Test
    void shouldNeverSetDigestFlagsOrPdo() {
        ByteBuf offending = Unpooled.buffer().writeZero(24);
        ByteBuf b = Unpooled.buffer();
        TermReq.write(b, PduType.H2C_TERM_REQ, TermReq.FES_HEADER_DIGEST_ERROR, 0, offending, 0, 24);
        assertThat(CommonHeader.type(b, 0)).isEqualTo(PduType.H2C_TERM_REQ);
        assertThat(CommonHeader.flags(b, 0)).isZero();
        assertThat(CommonHeader.pdo(b, 0)).isZero();
    }

    @Test
    void shouldDecodeAHandWrittenTermReq() {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufs.at(24, 0,
                0x02, 0x00, 0x18, 0x00, 0x18, 0x00, 0x00, 0x00,
                0x06, 0x80, 0xFF, 0xFF, 0xFF, 0xFF));
        assertThat(TermReq.fes(b, 0)).isEqualTo(0x8006);
        assertThat(TermReq.fei(b, 0)).isEqualTo(0xFFFFFFFFL);
    }
}
