package io.basalt.nvme.tcp;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PduTypeTest {

    @Test
    void shouldUseTheTypeNumbersOfTheTransportSpecification() {
        assertThat(PduType.IC_REQ).isEqualTo(0);
        assertThat(PduType.IC_RESP).isEqualTo(1);
        assertThat(PduType.H2C_TERM_REQ).isEqualTo(2);
        assertThat(PduType.C2H_TERM_REQ).isEqualTo(3);
        assertThat(PduType.CAPSULE_CMD).isEqualTo(4);
        assertThat(PduType.CAPSULE_RESP).isEqualTo(5);
        assertThat(PduType.H2C_DATA).isEqualTo(6);
        assertThat(PduType.C2H_DATA).isEqualTo(7);
        assertThat(PduType.R2T).isEqualTo(9);
    }

    @Test
    void shouldMakeHostToControllerTypesEvenAndControllerToHostTypesOdd() {
        assertThat(List.of(PduType.IC_REQ, PduType.H2C_TERM_REQ, PduType.CAPSULE_CMD, PduType.H2C_DATA))
                .allMatch(t -> t % 2 == 0);
        assertThat(List.of(PduType.IC_RESP, PduType.C2H_TERM_REQ, PduType.CAPSULE_RESP, PduType.C2H_DATA,
            PduType.R2T)).allMatch(t -> t % 2 == 1);
    }

    @Test
    void shouldGiveEachTypeItsFixedHeaderLength() {
        assertThat(PduType.headerLength(PduType.IC_REQ)).isEqualTo(128);
        assertThat(PduType.headerLength(PduType.IC_RESP)).isEqualTo(128);
        assertThat(PduType.headerLength(PduType.H2C_TERM_REQ)).isEqualTo(24);
        assertThat(PduType.headerLength(PduType.C2H_TERM_REQ)).isEqualTo(24);
        assertThat(PduType.headerLength(PduType.CAPSULE_CMD)).isEqualTo(72);
        assertThat(PduType.headerLength(PduType.CAPSULE_RESP)).isEqualTo(24);
        assertThat(PduType.headerLength(PduType.H2C_DATA)).isEqualTo(24);
        assertThat(PduType.headerLength(PduType.C2H_DATA)).isEqualTo(24);
        assertThat(PduType.headerLength(PduType.R2T)).isEqualTo(24);
    }

    @Test
    void shouldAgreeWithTheFlyweightLengths() {
        assertThat(PduType.headerLength(PduType.IC_REQ)).isEqualTo(IcReq.LENGTH);
        assertThat(PduType.headerLength(PduType.IC_RESP)).isEqualTo(IcResp.LENGTH);
        assertThat(PduType.headerLength(PduType.CAPSULE_CMD)).isEqualTo(CapsulePdu.CMD_HEADER_LENGTH);
        assertThat(PduType.headerLength(PduType.CAPSULE_RESP)).isEqualTo(CapsulePdu.RESP_LENGTH);
        assertThat(PduType.headerLength(PduType.H2C_DATA)).isEqualTo(DataPdu.HEADER_LENGTH);
        assertThat(PduType.headerLength(PduType.R2T)).isEqualTo(R2t.LENGTH);
        assertThat(PduType.headerLength(PduType.C2H_TERM_REQ)).isEqualTo(TermReq.HEADER_LENGTH);
    }

    @Test
    void shouldReturnMinusOneForUnknownTypes() {
        assertThat(PduType.headerLength(8)).isEqualTo(-1);
        assertThat(PduType.headerLength(0x0A)).isEqualTo(-1);
        assertThat(PduType.headerLength(0xFF)).isEqualTo(-1);
        assertThat(PduType.headerLength(-1)).isEqualTo(-1);
    }

    @Test
    void shouldNameEveryTypeForLogs() {
        assertThat(PduType.name(PduType.IC_REQ)).isEqualTo("ICReq");
        assertThat(PduType.name(PduType.IC_RESP)).isEqualTo("ICResp");
        assertThat(PduType.name(PduType.H2C_TERM_REQ)).isEqualTo("H2CTermReq");
        assertThat(PduType.name(PduType.C2H_TERM_REQ)).isEqualTo("C2HTermReq");
        assertThat(PduType.name(PduType.CAPSULE_CMD)).isEqualTo("CapsuleCmd");
        assertThat(PduType.name(PduType.CAPSULE_RESP)).isEqualTo("CapsuleResp");
        assertThat(PduType.name(PduType.H2C_DATA)).isEqualTo("H2CData");
        assertThat(PduType.name(PduType.C2H_DATA)).isEqualTo("C2HData");
        assertThat(PduType.name(PduType.R2T)).isEqualTo("R2T");
        assertThat(PduType.name(0x42)).isEqualTo("Unknown(66)");
    }

    @Test
    void shouldPinTheFlagBits() {
        assertThat(PduFlags.HDGSTF).isEqualTo(0x01);
        assertThat(PduFlags.DDGSTF).isEqualTo(0x02);
        assertThat(PduFlags.LAST_PDU).isEqualTo(0x04);
        assertThat(PduFlags.SUCCESS).isEqualTo(0x08);
    }
}
