package io.basalt.nvme;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqeTest {

    /** A hand-written 64-byte Read command, as a host puts it on the wire. */
    private static ByteBuf handWrittenRead(int base) {
        byte[] raw = new byte[base + 64];
        int[] sqe = {
            0x02, 0x41, 0x34, 0x12, 0x01, 0x00, 0x00, 0x80,  // opcode Read, PSDT SGL + FUSE 01b, cid, nsid
            0, 0, 0, 0, 0, 0, 0, 0,                          // cdw2-3
            0, 0, 0, 0, 0, 0, 0, 0,                          // mptr
            0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,  // SGL address
            0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x5A,  // SGL length, reserved, identifier
            0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,  // cdw10, cdw11
            0x07, 0x00, 0x00, 0x40, 0xCC, 0xCC, 0xCC, 0xCC,  // cdw12 (nlb 7, FUA), cdw13
            0xDD, 0xDD, 0xDD, 0xDD, 0xFF, 0xFF, 0xFF, 0xFF}; // cdw14, cdw15
        for (int i = 0; i < 64; i++) {
            raw[base + i] = (byte) sqe[i];
        }
        return Unpooled.wrappedBuffer(raw);
    }

    @Test
    void shouldPinLengthAndOffsets() {
        assertThat(Sqe.LENGTH).isEqualTo(64);
        assertThat(Sqe.OPCODE_OFFSET).isZero();
        assertThat(Sqe.FLAGS_OFFSET).isEqualTo(1);
        assertThat(Sqe.CID_OFFSET).isEqualTo(2);
        assertThat(Sqe.NSID_OFFSET).isEqualTo(4);
        assertThat(Sqe.FCTYPE_OFFSET).isEqualTo(4);
        assertThat(Sqe.SGL_ADDRESS_OFFSET).isEqualTo(24);
        assertThat(Sqe.SGL_LENGTH_OFFSET).isEqualTo(32);
        assertThat(Sqe.SGL_IDENTIFIER_OFFSET).isEqualTo(39);
        assertThat(Sqe.CDW10_OFFSET).isEqualTo(40);
        assertThat(Sqe.CDW11_OFFSET).isEqualTo(44);
        assertThat(Sqe.CDW12_OFFSET).isEqualTo(48);
        assertThat(Sqe.CDW13_OFFSET).isEqualTo(52);
        assertThat(Sqe.CDW14_OFFSET).isEqualTo(56);
        assertThat(Sqe.CDW15_OFFSET).isEqualTo(60);
    }

    @Test
    void shouldPinSglIdentifiers() {
        // (type << 4) | subtype: data block/offset and transport data block/transport-specific A.
        assertThat(Sqe.SGL_DATA_BLOCK_OFFSET).isEqualTo(0x01);
        assertThat(Sqe.SGL_TRANSPORT_DATA_BLOCK).isEqualTo(0x5A);
        assertThat(Sqe.PSDT_MASK).isEqualTo(0xC0);
    }

    @Test
    void shouldDecodeEveryFieldOfAHandWrittenCommand() {
        ByteBuf b = handWrittenRead(0);
        assertThat(Sqe.opcode(b, 0)).isEqualTo(Opcodes.IO_READ);
        assertThat(Sqe.flags(b, 0)).isEqualTo(0x41);
        assertThat(Sqe.fuse(b, 0)).isEqualTo(1);
        assertThat(Sqe.psdt(b, 0)).isEqualTo(1);
        assertThat(Sqe.cid(b, 0)).isEqualTo(0x1234);
        assertThat(Sqe.nsid(b, 0)).isEqualTo(0x80000001);
        assertThat(Sqe.sglAddress(b, 0)).isEqualTo(0x0102030405060708L);
        assertThat(Sqe.sglLength(b, 0)).isEqualTo(0xFFFFFFFFL);
        assertThat(Sqe.sglIdentifier(b, 0)).isEqualTo(Sqe.SGL_TRANSPORT_DATA_BLOCK);
        assertThat(Sqe.cdw(b, 0, 10)).isEqualTo(0x10);
        assertThat(Sqe.cdw(b, 0, 11)).isEqualTo(1);
        assertThat(Sqe.cdw(b, 0, 12)).isEqualTo(0x40000007);
        assertThat(Sqe.cdw(b, 0, 13)).isEqualTo(0xCCCCCCCC);
        assertThat(Sqe.cdw(b, 0, 14)).isEqualTo(0xDDDDDDDD);
        assertThat(Sqe.cdw(b, 0, 15)).isEqualTo(0xFFFFFFFF);
        assertThat(Sqe.cdw10And11(b, 0)).isEqualTo(0x0000000100000010L);
    }

    @Test
    void shouldReadFieldsRelativeToTheBase() {
        ByteBuf b = handWrittenRead(8);
        assertThat(Sqe.opcode(b, 8)).isEqualTo(Opcodes.IO_READ);
        assertThat(Sqe.cid(b, 8)).isEqualTo(0x1234);
        assertThat(Sqe.sglLength(b, 8)).isEqualTo(0xFFFFFFFFL);
        assertThat(Sqe.cdw(b, 8, 12) & 0xFFFF).isEqualTo(7);
    }

    @Test
    void shouldReadTheFabricsCommandTypeFromByteFour() {
        ByteBuf b = Unpooled.buffer(64).writeZero(64);
        b.setByte(0, Opcodes.FABRICS).setByte(4, Opcodes.FCTYPE_PROPERTY_GET);
        assertThat(Sqe.fctype(b, 0)).isEqualTo(0x04);
        b.setByte(4, 0xFF);
        assertThat(Sqe.fctype(b, 0)).isEqualTo(0xFF);
    }

    @Test
    void shouldDecodePsdtFromTheTopTwoFlagBits() {
        ByteBuf b = Unpooled.buffer(64).writeZero(64);
        b.setByte(1, 0x80);
        assertThat(Sqe.psdt(b, 0)).isEqualTo(2);
        assertThat(Sqe.fuse(b, 0)).isZero();
        b.setByte(1, 0x03);
        assertThat(Sqe.psdt(b, 0)).isZero();
        assertThat(Sqe.fuse(b, 0)).isEqualTo(3);
    }

    @Test
    void shouldPinOpcodesAndTransferDirections() {
        assertThat(Opcodes.FABRICS).isEqualTo(0x7F);
        assertThat(Opcodes.FCTYPE_PROPERTY_SET).isZero();
        assertThat(Opcodes.FCTYPE_CONNECT).isEqualTo(1);
        assertThat(Opcodes.FCTYPE_PROPERTY_GET).isEqualTo(4);
        assertThat(Opcodes.FCTYPE_DISCONNECT).isEqualTo(8);
        assertThat(Opcodes.transferDirection(Opcodes.IO_WRITE, 0)).isEqualTo(Opcodes.XFER_HOST_TO_CONTROLLER);
        assertThat(Opcodes.transferDirection(Opcodes.IO_READ, 0)).isEqualTo(Opcodes.XFER_CONTROLLER_TO_HOST);
        assertThat(Opcodes.transferDirection(Opcodes.IO_FLUSH, 0)).isEqualTo(Opcodes.XFER_NONE);
        // Fabrics: the direction is in the fctype, not in opcode 7Fh (whose low bits are 11b).
        assertThat(Opcodes.transferDirection(Opcodes.FABRICS, Opcodes.FCTYPE_CONNECT))
                .isEqualTo(Opcodes.XFER_HOST_TO_CONTROLLER);
        assertThat(Opcodes.transferDirection(Opcodes.FABRICS, Opcodes.FCTYPE_PROPERTY_GET))
                .isEqualTo(Opcodes.XFER_NONE);
    }
}
