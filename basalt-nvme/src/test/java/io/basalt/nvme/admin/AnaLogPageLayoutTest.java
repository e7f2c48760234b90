package io.basalt.nvme.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Pins the ANA log page layout: {@link AnaLogHeader} and {@link AnaGroupDescriptor}. */
class AnaLogPageLayoutTest {

    @Test
    void shouldPinTheHeaderAndDescriptorLengthsAndOffsets() {
        assertThat(AnaLogHeader.LOG_PAGE_ID).isEqualTo(0x0C);
        assertThat(AnaLogHeader.LENGTH).isEqualTo(16);
        assertThat(AnaLogHeader.CHGCNT_OFFSET).isZero();
        assertThat(AnaLogHeader.NGRPS_OFFSET).isEqualTo(8);
        assertThat(AnaGroupDescriptor.LENGTH).isEqualTo(32);
        assertThat(AnaGroupDescriptor.ANAGRPID_OFFSET).isZero();
        assertThat(AnaGroupDescriptor.NNSIDS_OFFSET).isEqualTo(4);
        assertThat(AnaGroupDescriptor.CHGCNT_OFFSET).isEqualTo(8);
        assertThat(AnaGroupDescriptor.STATE_OFFSET).isEqualTo(16);
        assertThat(AnaGroupDescriptor.NSIDS_OFFSET).isEqualTo(32);
        assertThat(AnaGroupDescriptor.length(3)).isEqualTo(44);
    }

    @Test
    void shouldPinTheStateCodes() {
        assertThat(AnaGroupDescriptor.STATE_OPTIMIZED).isEqualTo(1);
        assertThat(AnaGroupDescriptor.STATE_NON_OPTIMIZED).isEqualTo(2);
        assertThat(AnaGroupDescriptor.STATE_INACCESSIBLE).isEqualTo(3);
        assertThat(AnaGroupDescriptor.STATE_PERSISTENT_LOSS).isEqualTo(4);
        assertThat(AnaGroupDescriptor.STATE_CHANGE).isEqualTo(0x0F);
    }

    @Test
    void shouldSizeThePageAsTheLinuxHostDoes() {
        // 16 + NANAGRPID * 32 + MNAN * 4: the buffer nvme_mpath_init_identify allocates.
        assertThat(AnaLogHeader.maxLength(1024, 1024)).isEqualTo(16 + 32 * 1024 + 4 * 1024);
        assertThat(AnaLogHeader.maxLength(1, 1024)).isEqualTo(16 + 32 + 4096);
    }

    @Test
    void shouldWriteEachFieldLittleEndianAtItsOffset() {
        ByteBuf b = Unpooled.buffer(64).writeZero(64);
        AnaLogHeader.chgcnt(b, 0, 0x0102030405060708L);
        AnaLogHeader.ngrps(b, 0, 0xABCD);
        int d = AnaLogHeader.LENGTH;
        AnaGroupDescriptor.anagrpid(b, d, 0xFFFFFFFEL);
        AnaGroupDescriptor.nnsids(b, d, 2);
        AnaGroupDescriptor.chgcnt(b, d, 9);
        AnaGroupDescriptor.state(b, d, AnaGroupDescriptor.STATE_CHANGE);
        AnaGroupDescriptor.nsid(b, d, 0, 7);
        AnaGroupDescriptor.nsid(b, d, 1, 0x11223344);

        assertThat(b.getByte(0)).isEqualTo((byte) 0x08);
        assertThat(b.getByte(7)).isEqualTo((byte) 0x01);
        assertThat(b.getByte(8)).isEqualTo((byte) 0xCD);
        assertThat(b.getByte(9)).isEqualTo((byte) 0xAB);
        assertThat(b.getByte(16)).isEqualTo((byte) 0xFE);
        assertThat(b.getByte(19)).isEqualTo((byte) 0xFF);
        assertThat(b.getByte(20)).isEqualTo((byte) 2);
        assertThat(b.getByte(24)).isEqualTo((byte) 9);
        assertThat(b.getByte(32)).isEqualTo((byte) 0x0F);
        assertThat(b.getByte(48)).isEqualTo((byte) 7);
        assertThat(b.getByte(52)).isEqualTo((byte) 0x44);
        assertThat(b.getByte(55)).isEqualTo((byte) 0x11);

        assertThat(AnaLogHeader.chgcnt(b, 0)).isEqualTo(0x0102030405060708L);
        assertThat(AnaLogHeader.ngrps(b, 0)).as("unsigned").isEqualTo(0xABCD);
        assertThat(AnaGroupDescriptor.anagrpid(b, d)).as("unsigned").isEqualTo(0xFFFFFFFEL);
        assertThat(AnaGroupDescriptor.nnsids(b, d)).isEqualTo(2);
        assertThat(AnaGroupDescriptor.chgcnt(b, d)).isEqualTo(9);
        assertThat(AnaGroupDescriptor.state(b, d)).isEqualTo(0x0F);
        assertThat(AnaGroupDescriptor.nsid(b, d, 1)).isEqualTo(0x11223344);
    }
}
