package io.basalt.nvme.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IcRespTest {

    @Test
    void shouldPinLengthAndOffsets() {
        assertThat(IcResp.LENGTH).isEqualTo(128);
        assertThat(IcResp.PFV_OFFSET).isEqualTo(8);
        assertThat(IcResp.CPDA_OFFSET).isEqualTo(10);
        assertThat(IcResp.DGST_OFFSET).isEqualTo(11);
        assertThat(IcResp.MAXH2CDATA_OFFSET).isEqualTo(12);
    }

    @Test
    void shouldEncodeExactly128BytesWithEachFieldLittleEndian() {
        ByteBuf b = Unpooled.buffer();
        IcResp.write(b, 0, 0x03, 0x00020000);
        assertThat(b.readableBytes()).isEqualTo(128);
        assertThat(ByteBufs.bytes(b, 0, 16)).containsExactly(
                0x01, 0x00, 0x80, 0x00, 0x80, 0x00, 0x00, 0x00, // type ICResp, hlen 128, plen 128
                0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x02, 0x00); // pfv 0, cpda 0, dgst 3, maxh2cdata 128 KiB
        assertThat(ByteBufs.bytes(b, 16, 112)).containsOnly(0);
    }

    @Test
    void shouldDecodeAHandWrittenIcResp() {
        byte[] raw = ByteBufs.at(128, 0, 0x01, 0x00, 0x80, 0x00, 0x80, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x05, 0x01, 0x00, 0x10, 0x00, 0x80);
        ByteBuf b = Unpooled.wrappedBuffer(raw);
        assertThat(IcResp.pfv(b, 0)).isZero();
        assertThat(IcResp.cpda(b, 0)).isEqualTo(5);
        assertThat(IcResp.dgst(b, 0)).isEqualTo(1);
        assertThat(IcResp.maxh2cdata(b, 0)).isEqualTo(0x80001000L);
    }

    @Test
    void shouldRoundTripThroughWriteAndAccessorsAtAnOffset() {
        ByteBuf b = Unpooled.buffer();
        b.writeZero(5);
        IcResp.write(b, 2, IcReq.DGST_DATA, 4096);
        assertThat(b.writerIndex()).isEqualTo(133);
        assertThat(CommonHeader.type(b, 5)).isEqualTo(PduType.IC_RESP);
        assertThat(IcResp.cpda(b, 5)).isEqualTo(2);
        assertThat(IcResp.dgst(b, 5)).isEqualTo(IcReq.DGST_DATA);
        assertThat(IcResp.maxh2cdata(b, 5)).isEqualTo(4096);
    }
}
