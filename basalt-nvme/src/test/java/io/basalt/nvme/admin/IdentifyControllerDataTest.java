package io.basalt.nvme.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class IdentifyControllerDataTest {

    private static ByteBuf zeroed() {
        return Unpooled.buffer(IdentifyControllerData.LENGTH).writeZero(IdentifyControllerData.LENGTH);
    }

    @Test
    void shouldPinTheStructureLengthAndTheFieldOffsetsOfTheSpecification() {
        assertThat(IdentifyControllerData.LENGTH).isEqualTo(4096);
        assertThat(IdentifyControllerData.VID_OFFSET).isZero();
        assertThat(IdentifyControllerData.SN_OFFSET).isEqualTo(4);
        assertThat(IdentifyControllerData.MN_OFFSET).isEqualTo(24);
        assertThat(IdentifyControllerData.FR_OFFSET).isEqualTo(64);
        assertThat(IdentifyControllerData.RAB_OFFSET).isEqualTo(72);
        assertThat(IdentifyControllerData.CMIC_OFFSET).isEqualTo(76);
        assertThat(IdentifyControllerData.MDTS_OFFSET).isEqualTo(77);
        assertThat(IdentifyControllerData.CNTLID_OFFSET).isEqualTo(78);
        assertThat(IdentifyControllerData.VER_OFFSET).isEqualTo(80);
        assertThat(IdentifyControllerData.OAES_OFFSET).isEqualTo(92);
        assertThat(IdentifyControllerData.CNTRLTYPE_OFFSET).isEqualTo(111);
        assertThat(IdentifyControllerData.ACL_OFFSET).isEqualTo(258);
        assertThat(IdentifyControllerData.AERL_OFFSET).isEqualTo(259);
        assertThat(IdentifyControllerData.FRMW_OFFSET).isEqualTo(260);
        assertThat(IdentifyControllerData.LPA_OFFSET).isEqualTo(261);
        assertThat(IdentifyControllerData.ELPE_OFFSET).isEqualTo(262);
        assertThat(IdentifyControllerData.WCTEMP_OFFSET).isEqualTo(266);
        assertThat(IdentifyControllerData.CCTEMP_OFFSET).isEqualTo(268);
        assertThat(IdentifyControllerData.KAS_OFFSET).isEqualTo(320);
        assertThat(IdentifyControllerData.ANATT_OFFSET).isEqualTo(342);
        assertThat(IdentifyControllerData.ANACAP_OFFSET).isEqualTo(343);
        assertThat(IdentifyControllerData.ANAGRPMAX_OFFSET).isEqualTo(344);
        assertThat(IdentifyControllerData.NANAGRPID_OFFSET).isEqualTo(348);
        assertThat(IdentifyControllerData.SQES_OFFSET).isEqualTo(512);
        assertThat(IdentifyControllerData.CQES_OFFSET).isEqualTo(513);
        assertThat(IdentifyControllerData.MAXCMD_OFFSET).isEqualTo(514);
        assertThat(IdentifyControllerData.NN_OFFSET).isEqualTo(516);
        assertThat(IdentifyControllerData.ONCS_OFFSET).isEqualTo(520);
        assertThat(IdentifyControllerData.VWC_OFFSET).isEqualTo(525);
        assertThat(IdentifyControllerData.SGLS_OFFSET).isEqualTo(536);
        assertThat(IdentifyControllerData.MNAN_OFFSET).isEqualTo(540);
        assertThat(IdentifyControllerData.SUBNQN_OFFSET).isEqualTo(768);
        assertThat(IdentifyControllerData.IOCCSZ_OFFSET).isEqualTo(1792);
        assertThat(IdentifyControllerData.IORCSZ_OFFSET).isEqualTo(1796);
        assertThat(IdentifyControllerData.ICDOFF_OFFSET).isEqualTo(1800);
        assertThat(IdentifyControllerData.MSDBD_OFFSET).isEqualTo(1803);
    }

    @Test
    void shouldPinTheStringWidthsSoNoFieldOverlapsTheNext() {
        assertThat(IdentifyControllerData.SN_OFFSET + IdentifyControllerData.SN_LENGTH)
                .isEqualTo(IdentifyControllerData.MN_OFFSET);
        assertThat(IdentifyControllerData.MN_OFFSET + IdentifyControllerData.MN_LENGTH)
                .isEqualTo(IdentifyControllerData.FR_OFFSET);
        assertThat(IdentifyControllerData.FR_OFFSET + IdentifyControllerData.FR_LENGTH)
                .isEqualTo(IdentifyControllerData.RAB_OFFSET);
        assertThat(IdentifyControllerData.SUBNQN_LENGTH).isEqualTo(256);
    }

    @Test
    void shouldWriteMultiByteFieldsLittleEndianAtTheirOffsets() {
        ByteBuf b = zeroed();
        IdentifyControllerData.cntlid(b, 0, 0x1234);
        IdentifyControllerData.ver(b, 0, 0x00010400);
        IdentifyControllerData.ioccsz(b, 0, 0x0404);
        assertThat(b.getUnsignedByte(78)).isEqualTo((short) 0x34);
        assertThat(b.getUnsignedByte(79)).isEqualTo((short) 0x12);
        assertThat(b.getUnsignedByte(80)).isEqualTo((short) 0x00);
        assertThat(b.getUnsignedByte(81)).isEqualTo((short) 0x04);
        assertThat(b.getUnsignedByte(82)).isEqualTo((short) 0x01);
        assertThat(b.getUnsignedByte(1792)).isEqualTo((short) 0x04);
        assertThat(b.getUnsignedByte(1793)).isEqualTo((short) 0x04);
    }

    @Test
    void shouldSpacePadStringsAndNulTerminateTheNqn() {
        ByteBuf b = zeroed();
        IdentifyControllerData.sn(b, 0, "SN1");
        IdentifyControllerData.fr(b, 0, "0.1.0");
        IdentifyControllerData.subnqn(b, 0, "nqn.x");
        assertThat(b.toString(4, 20, StandardCharsets.US_ASCII)).isEqualTo("SN1" + " ".repeat(17));
        assertThat(b.toString(64, 8, StandardCharsets.US_ASCII)).isEqualTo("0.1.0   ");
        assertThat(b.toString(768, 5, StandardCharsets.US_ASCII)).isEqualTo("nqn.x");
        assertThat(b.getByte(773)).isZero();
    }

    @Test
    void shouldNotWriteAStringPastItsField() {
        ByteBuf b = zeroed();
        IdentifyControllerData.mn(b, 0, "M".repeat(60));
        assertThat(IdentifyControllerData.mn(b, 0)).isEqualTo("M".repeat(40));
        assertThat(b.getByte(IdentifyControllerData.FR_OFFSET)).isZero();
    }

    @Test
    void shouldReadBackEveryFieldItWrote() {
        ByteBuf b = zeroed();
        IdentifyControllerData.vid(b, 0, 0xFFFF);
        IdentifyControllerData.sn(b, 0, "S123");
        IdentifyControllerData.mn(b, 0, "Basalt");
        IdentifyControllerData.fr(b, 0, "1.2");
        IdentifyControllerData.cmic(b, 0, 0x0B);
        IdentifyControllerData.mdts(b, 0, 8);
        IdentifyControllerData.cntlid(b, 0, 0xFFEF);
        IdentifyControllerData.cntrltype(b, 0, IdentifyControllerData.CNTRLTYPE_DISCOVERY);
        IdentifyControllerData.kas(b, 0, 10);
        IdentifyControllerData.maxcmd(b, 0, 1024);
        IdentifyControllerData.nn(b, 0, 1024);
        IdentifyControllerData.oncs(b, 0, IdentifyControllerData.ONCS_DSM | IdentifyControllerData.ONCS_WRITE_ZEROES);
        IdentifyControllerData.vwc(b, 0, 0x5);
        IdentifyControllerData.sgls(b, 0, 1 | (1 << 20));
        IdentifyControllerData.anagrpmax(b, 0, 7);
        IdentifyControllerData.msdbd(b, 0, 1);

        assertThat(IdentifyControllerData.vid(b, 0)).isEqualTo(0xFFFF);
        assertThat(IdentifyControllerData.sn(b, 0)).isEqualTo("S123");
        assertThat(IdentifyControllerData.mn(b, 0)).isEqualTo("Basalt");
        assertThat(IdentifyControllerData.fr(b, 0)).isEqualTo("1.2");
        assertThat(IdentifyControllerData.cmic(b, 0)).isEqualTo(0x0B);
        assertThat(IdentifyControllerData.mdts(b, 0)).isEqualTo(8);
        assertThat(IdentifyControllerData.cntlid(b, 0)).as("unsigned").isEqualTo(0xFFEF);
        assertThat(IdentifyControllerData.cntrltype(b, 0)).isEqualTo(2);
        assertThat(IdentifyControllerData.kas(b, 0)).isEqualTo(10);
        assertThat(IdentifyControllerData.maxcmd(b, 0)).isEqualTo(1024);
        assertThat(IdentifyControllerData.nn(b, 0)).isEqualTo(1024);
        assertThat(IdentifyControllerData.oncs(b, 0)).isEqualTo(0b1100);
        assertThat(IdentifyControllerData.vwc(b, 0)).isEqualTo(5);
        assertThat(IdentifyControllerData.sgls(b, 0)).isEqualTo(0x100001);
        assertThat(IdentifyControllerData.anagrpmax(b, 0)).isEqualTo(7);
        assertThat(IdentifyControllerData.msdbd(b, 0)).isEqualTo(1);
        assertThat(IdentifyControllerData.subnqn(b, 0)).isEmpty();
    }

    @Test
    void shouldReadFieldsRelativeToTheBaseIndex() {
        ByteBuf b = Unpooled.buffer(100 + IdentifyControllerData.LENGTH).writeZero(100 + IdentifyControllerData.LENGTH);
        IdentifyControllerData.kas(b, 100, 10);
        IdentifyControllerData.subnqn(b, 100, "nqn.2026-01.io.basalt:a");
        assertThat(b.getUnsignedShortLE(100 + 320)).isEqualTo(10);
        assertThat(IdentifyControllerData.kas(b, 100)).isEqualTo(10);
        assertThat(IdentifyControllerData.subnqn(b, 100)).isEqualTo("nqn.2026-01.io.basalt:a");
    }
}
