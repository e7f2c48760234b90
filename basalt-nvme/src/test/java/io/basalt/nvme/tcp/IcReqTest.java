package io.basalt.nvme.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IcReqTest {

    @Test
    void shouldPinLengthAndOffsets() {
        assertThat(IcReq.LENGTH).isEqualTo(128);
        assertThat(IcReq.PFV_OFFSET).isEqualTo(8);
        assertThat(IcReq.HPDA_OFFSET).isEqualTo(10);
        assertThat(IcReq.DGST_OFFSET).isEqualTo(11);
        assertThat(IcReq.MAXR2T_OFFSET).isEqualTo(12);
        assertThat(IcReq.DGST_HEADER).isEqualTo(1);
        assertThat(IcReq.DGST_DATA).isEqualTo(2);
        assertThat(IcReq.HPDA_MAX).isEqualTo(31);
    }

    @Test
    void shouldEncodeExactly128BytesWithACommonHeaderOfTypeIcReq() {
        ByteBuf b = Unpooled.buffer();
        IcReq.write(b, 3, 0x03, 0x11223344);
        assertThat(b.readableBytes()).isEqualTo(128);
        assertThat(ByteBufs.bytes(b, 0, 16)).containsExactly(
                0x00, 0x00, 0x80, 0x00, 0x80, 0x00, 0x00, 0x00, // type, flags, hlen 128, pdo 0, plen 128
                0x00, 0x00, 0x03, 0x03, 0x44, 0x33, 0x22, 0x11); // pfv 0, hpda, dgst, maxr2t le32
        assertThat(ByteBufs.bytes(b, 16, 112)).containsOnly(0);
    }

    @Test
    void shouldZeroTheReservedBytesEvenInADirtyBuffer() {
        ByteBuf b = Unpooled.buffer(256);
        for (int i = 0; i < 256; i++) {
            b.setByte(i, 0xA5);
        }
        b.writerIndex(4);
        IcReq.write(b, 0, 0, 0);
        assertThat(b.writerIndex()).isEqualTo(4 + 128);
        assertThat(ByteBufs.bytes(b, 4 + 8, 120)).containsOnly(0);
    }

    @Test
    void shouldDecodeAHandWrittenIcReq() {
        byte[] raw = ByteBufs.at(128, 0, 0x00, 0x00, 0x80, 0x00, 0x80, 0x00, 0x00, 0x00,
                0x01, 0x00, 0x1F, 0x02, 0xFF, 0xFF, 0xFF, 0xFF);
        ByteBuf b = Unpooled.wrappedBuffer(raw);
        assertThat(CommonHeader.type(b, 0)).isEqualTo(PduType.IC_REQ);
        assertThat(CommonHeader.plen(b, 0)).isEqualTo(128);
        assertThat(IcReq.pfv(b, 0)).isEqualTo(1);
        assertThat(IcReq.hpda(b, 0)).isEqualTo(31);
        assertThat(IcReq.dgst(b, 0)).isEqualTo(IcReq.DGST_DATA);
        assertThat(IcReq.maxr2t(b, 0)).isEqualTo(0xFFFFFFFFL);
    }

    @Test
    void shouldRoundTripThroughWriteAndAccessors() {
        ByteBuf b = Unpooled.buffer();
        IcReq.write(b, 7, IcReq.DGST_HEADER, 0);
        assertThat(IcReq.pfv(b, 0)).isZero();
        assertThat(IcReq.hpda(b, 0)).isEqualTo(7);
        assertThat(IcReq.dgst(b, 0)).isEqualTo(IcReq.DGST_HEADER);
        assertThat(IcReq.maxr2t(b, 0)).isZero();
    }
}
