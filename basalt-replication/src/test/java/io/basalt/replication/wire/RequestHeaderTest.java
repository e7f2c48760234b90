package io.basalt.replication.wire;

import io.basalt.block.BlockIo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Pins every fixed size and offset of the frames: a change here is a new protocol version. */
class RequestHeaderTest {

    @Test
    void shouldPinTheFrameSizesAndOffsets() {
        assertThat(Hello.LENGTH).isEqualTo(8);
        assertThat(RequestHeader.LENGTH).isEqualTo(48);
        assertThat(ResponseHeader.LENGTH).isEqualTo(16);
        assertThat(RequestHeader.ID_OFFSET).isEqualTo(4);
        assertThat(RequestHeader.VOLUME_MSB_OFFSET).isEqualTo(12);
        assertThat(RequestHeader.EPOCH_OFFSET).isEqualTo(28);
        assertThat(RequestHeader.IO_OFFSET_OFFSET).isEqualTo(36);
        assertThat(RequestHeader.IO_LENGTH_OFFSET).isEqualTo(44);
        assertThat(RequestHeader.MAX_DATA_LENGTH).isEqualTo(1 << 20);
    }

    @Test
    void shouldUseTheBlockContractsOpCodes() {
        assertThat(RequestHeader.OP_READ).isEqualTo(BlockIo.OP_READ);
        assertThat(RequestHeader.OP_WRITE).isEqualTo(BlockIo.OP_WRITE);
        assertThat(RequestHeader.OP_FLUSH).isEqualTo(BlockIo.OP_FLUSH);
        assertThat(RequestHeader.OP_WRITE_ZEROES).isEqualTo(BlockIo.OP_WRITE_ZEROES);
        assertThat(RequestHeader.OP_DEALLOCATE).isEqualTo(BlockIo.OP_DEALLOCATE);
    }

    @Test
    void shouldWriteEveryFieldBigEndianWhereTheAccessorsReadIt() {
        ByteBuf b = Unpooled.buffer();
        RequestHeader.write(b, RequestHeader.OP_WRITE, RequestHeader.FLAG_FUA, 0x0102030405060708L, 11, 12, 13, 4096,
                8192);
        assertThat(b.readableBytes()).isEqualTo(RequestHeader.LENGTH);
        assertThat(b.getByte(RequestHeader.ID_OFFSET)).isEqualTo((byte) 1);
        assertThat(RequestHeader.op(b, 0)).isEqualTo(RequestHeader.OP_WRITE);
        assertThat(RequestHeader.flags(b, 0)).isEqualTo(RequestHeader.FLAG_FUA);
        assertThat(RequestHeader.id(b, 0)).isEqualTo(0x0102030405060708L);
        assertThat(RequestHeader.volumeMsb(b, 0)).isEqualTo(11);
        assertThat(RequestHeader.volumeLsb(b, 0)).isEqualTo(12);
        assertThat(RequestHeader.epoch(b, 0)).isEqualTo(13);
        assertThat(RequestHeader.ioOffset(b, 0)).isEqualTo(4096);
        assertThat(RequestHeader.ioLength(b, 0)).isEqualTo(8192);
    }

    @Test
    void shouldBoundThePayloadOfEveryOp() {
        int max = RequestHeader.MAX_DATA_LENGTH;
        assertThat(RequestHeader.payloadLength(RequestHeader.OP_WRITE, max)).isEqualTo(max);
        assertThat(RequestHeader.payloadLength(RequestHeader.OP_WRITE, max + 1)).isEqualTo(-1);
        assertThat(RequestHeader.payloadLength(RequestHeader.OP_READ, max)).isZero();
        assertThat(RequestHeader.payloadLength(RequestHeader.OP_READ, max + 1)).as("its answer would be too big")
                .isEqualTo(-1);
        assertThat(RequestHeader.payloadLength(RequestHeader.OP_DEALLOCATE, 3)).isEqualTo(48);
        assertThat(RequestHeader.payloadLength(RequestHeader.OP_DEALLOCATE, Integer.MAX_VALUE)).isEqualTo(-1);
        assertThat(RequestHeader.payloadLength(RequestHeader.OP_WRITE_ZEROES, Integer.MAX_VALUE)).isZero();
        assertThat(RequestHeader.payloadLength(RequestHeader.OP_FLUSH, 1)).isEqualTo(-1);
        assertThat(RequestHeader.payloadLength(5, 0)).isEqualTo(-1);
        assertThat(RequestHeader.payloadLength(RequestHeader.OP_WRITE, -1)).isEqualTo(-1);
    }
}
