package io.basalt.nvme.discovery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DiscoveryLogHeaderTest {

    @Test
    void shouldPinTheHeaderLengthAndOffsets() {
        assertThat(DiscoveryLogHeader.LENGTH).isEqualTo(1024);
        assertThat(DiscoveryLogHeader.GENCTR_OFFSET).isZero();
        assertThat(DiscoveryLogHeader.NUMREC_OFFSET).isEqualTo(8);
        assertThat(DiscoveryLogHeader.RECFMT_OFFSET).isEqualTo(16);
        assertThat(Discovery.LOG_PAGE_ID).isEqualTo(0x70);
        assertThat(Discovery.NQN).isEqualTo("nqn.2014-08.org.nvmexpress.discovery");
    }

    @Test
    void shouldWriteEachFieldLittleEndianAtItsOffset() {
        ByteBuf b = Unpooled.buffer(DiscoveryLogHeader.LENGTH).writeZero(DiscoveryLogHeader.LENGTH);
        DiscoveryLogHeader.genctr(b, 0, 0x0102030405060708L);
        DiscoveryLogHeader.numrec(b, 0, 3);
        DiscoveryLogHeader.recfmt(b, 0, 0xABCD);
        assertThat(b.getByte(0)).isEqualTo((byte) 0x08);
        assertThat(b.getByte(7)).isEqualTo((byte) 0x01);
        assertThat(b.getByte(8)).isEqualTo((byte) 3);
        assertThat(b.getByte(16)).isEqualTo((byte) 0xCD);
        assertThat(b.getByte(17)).isEqualTo((byte) 0xAB);
        assertThat(b.getByte(18)).isZero();
    }

    @Test
    void shouldReadBackWhatItWroteRelativeToTheBase() {
        ByteBuf b = Unpooled.buffer(8 + DiscoveryLogHeader.LENGTH).writeZero(8 + DiscoveryLogHeader.LENGTH);
        DiscoveryLogHeader.genctr(b, 8, 42);
        DiscoveryLogHeader.numrec(b, 8, 2);
        DiscoveryLogHeader.recfmt(b, 8, 0xFFFF);
        assertThat(DiscoveryLogHeader.genctr(b, 8)).isEqualTo(42);
        assertThat(DiscoveryLogHeader.numrec(b, 8)).isEqualTo(2);
        assertThat(DiscoveryLogHeader.recfmt(b, 8)).as("unsigned").isEqualTo(0xFFFF);
    }
}
