package io.basalt.nvme;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CqeTest {

    private static int[] bytes(ByteBuf b, int index, int length) {
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = b.getUnsignedByte(index + i);
        }
        return out;
    }

    @Test
    void shouldPinLengthAndOffsets() {
        assertThat(Cqe.LENGTH).isEqualTo(16);
        assertThat(Cqe.DW0_OFFSET).isZero();
        assertThat(Cqe.DW1_OFFSET).isEqualTo(4);
        assertThat(Cqe.SQHD_OFFSET).isEqualTo(8);
        assertThat(Cqe.SQID_OFFSET).isEqualTo(10);
        assertThat(Cqe.CID_OFFSET).isEqualTo(12);
        assertThat(Cqe.STATUS_OFFSET).isEqualTo(14);
    }

    @Test
    void shouldEncodeSixteenBytesLittleEndianWithStatusAbovePhaseBit() {
        ByteBuf b = Unpooled.buffer();
        Cqe.write(b, 0x1122334455667788L, 0xABCD, 0x0002, 0xBEEF, Status.LBA_OUT_OF_RANGE | Status.DNR);
        assertThat(b.readableBytes()).isEqualTo(16);
        assertThat(bytes(b, 0, 16)).containsExactly(
                0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, // dw0, dw1
                0xCD, 0xAB, 0x02, 0x00, 0xEF, 0xBE,             // sqhd, sqid, cid
                0x00, 0x81);                                    // (0x4080 << 1) = 0x8100, phase 0
    }

    @Test
    void shouldWriteAtTheWriterIndex() {
        ByteBuf b = Unpooled.buffer();
        b.writeZero(8);
        Cqe.write(b, 1, 2, 3, 4, Status.SUCCESS);
        assertThat(b.writerIndex()).isEqualTo(24);
        assertThat(Cqe.dw0(b, 8)).isEqualTo(1);
        assertThat(Cqe.sqhd(b, 8)).isEqualTo(2);
        assertThat(Cqe.sqid(b, 8)).isEqualTo(3);
        assertThat(Cqe.cid(b, 8)).isEqualTo(4);
    }

    @Test
    void shouldDecodeAHandWrittenCompletion() {
        ByteBuf b = Unpooled.wrappedBuffer(new byte[] {
            0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, (byte) 0x80,
            (byte) 0xFF, (byte) 0xFF, 0x05, 0x00, 0x34, 0x12, 0x05, (byte) 0x80});
        assertThat(Cqe.dw0(b, 0)).isEqualTo(0x00040002);
        assertThat(Cqe.result(b, 0)).isEqualTo(0x8000000000040002L);
        assertThat(Cqe.sqhd(b, 0)).isEqualTo(0xFFFF);
        assertThat(Cqe.sqid(b, 0)).isEqualTo(5);
        assertThat(Cqe.cid(b, 0)).isEqualTo(0x1234);
        // 0x8005: phase bit 1 dropped, status 0x4002 = INVALID_FIELD | DNR.
        assertThat(Cqe.status(b, 0)).isEqualTo(Status.INVALID_FIELD | Status.DNR);
    }

    @Test
    void shouldIgnoreThePhaseBitWhenDecodingStatus() {
        ByteBuf b = Unpooled.buffer();
        Cqe.write(b, 0, 0, 0, 0, Status.SUCCESS);
        b.setShortLE(14, 1);
        assertThat(Cqe.status(b, 0)).isEqualTo(Status.SUCCESS);
    }

    @Test
    void shouldRoundTripTheHighestStatus() {
        ByteBuf b = Unpooled.buffer();
        Cqe.write(b, 0, 0, 0, 0, 0x7FFF);
        assertThat(Cqe.status(b, 0)).isEqualTo(0x7FFF);
        assertThat(b.getUnsignedShortLE(14)).isEqualTo(0xFFFE);
    }
}
