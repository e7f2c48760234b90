package io.basalt.nvme;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StatusTest {

    @Test
    void shouldPinTheCodesHostsActOn() {
        assertThat(Status.DNR).isEqualTo(0x4000);
        assertThat(Status.INVALID_OPCODE).isEqualTo(0x001);
        assertThat(Status.INVALID_FIELD).isEqualTo(0x002);
        assertThat(Status.INVALID_NAMESPACE).isEqualTo(0x00B);
        assertThat(Status.COMMAND_SEQUENCE_ERROR).isEqualTo(0x00C);
        assertThat(Status.SGL_INVALID_DATA_LENGTH).isEqualTo(0x00F);
        assertThat(Status.TRANSIENT_TRANSPORT_ERROR).isEqualTo(0x022);
        assertThat(Status.LBA_OUT_OF_RANGE).isEqualTo(0x080);
        assertThat(Status.CAPACITY_EXCEEDED).isEqualTo(0x081);
        assertThat(Status.ASYNC_LIMIT_EXCEEDED).isEqualTo(0x105);
        assertThat(Status.FEATURE_NOT_SAVEABLE).isEqualTo(0x10D);
        assertThat(Status.CONNECT_INCOMPATIBLE_FORMAT).isEqualTo(0x180);
        assertThat(Status.CONNECT_CONTROLLER_BUSY).isEqualTo(0x181);
        assertThat(Status.CONNECT_INVALID_PARAMETERS).isEqualTo(0x182);
        assertThat(Status.CONNECT_INVALID_HOST).isEqualTo(0x184);
        assertThat(Status.WRITE_FAULT).isEqualTo(0x280);
        assertThat(Status.UNRECOVERED_READ_ERROR).isEqualTo(0x281);
        assertThat(Status.ANA_INACCESSIBLE).isEqualTo(0x302);
        assertThat(Status.ANA_TRANSITION).isEqualTo(0x303);
        assertThat(Status.ANA_PERSISTENT_LOSS).isEqualTo(0x301);
    }

    @Test
    void shouldTreatOnlyAZeroCodeAndTypeAsSuccess() {
        assertThat(Status.isSuccess(Status.SUCCESS)).isTrue();
        assertThat(Status.isSuccess(Status.DNR)).as("DNR alone carries no error").isTrue();
        assertThat(Status.isSuccess(Status.INVALID_OPCODE)).isFalse();
        assertThat(Status.isSuccess(0x100)).as("SCT 1, SC 0").isFalse();
        assertThat(Status.isSuccess(Status.INVALID_FIELD | Status.DNR)).isFalse();
    }

    @Test
    void shouldSplitStatusCodeTypeAndStatusCode() {
        int s = Status.CONNECT_INVALID_PARAMETERS | Status.DNR;
        assertThat(Status.statusCodeType(s)).isEqualTo(1);
        assertThat(Status.statusCode(s)).isEqualTo(0x82);
        assertThat(Status.statusCodeType(Status.ANA_TRANSITION)).isEqualTo(3);
        assertThat(Status.statusCode(Status.ANA_TRANSITION)).isEqualTo(3);
        assertThat(Status.statusCodeType(Status.LBA_OUT_OF_RANGE | Status.DNR)).isZero();
    }

    @Test
    void shouldDescribeWithNameCodeAndDnr() {
        assertThat(Status.describe(Status.LBA_OUT_OF_RANGE | Status.DNR)).isEqualTo("LBA_OUT_OF_RANGE (0x080) DNR");
        assertThat(Status.describe(Status.SUCCESS)).isEqualTo("SUCCESS (0x000)");
        assertThat(Status.describe(Status.INVALID_OPCODE | Status.DNR)).isEqualTo("INVALID_OPCODE (0x001) DNR");
        assertThat(Status.describe(Status.ASYNC_LIMIT_EXCEEDED)).isEqualTo("ASYNC_LIMIT_EXCEEDED (0x105)");
        assertThat(Status.describe(Status.CONNECT_INVALID_HOST | Status.DNR))
                .isEqualTo("CONNECT_INVALID_HOST (0x184) DNR");
        assertThat(Status.describe(Status.ANA_INACCESSIBLE)).isEqualTo("ANA_INACCESSIBLE (0x302)");
    }

    @Test
    void shouldNameEveryDefinedStatus() {
        int[] all = {Status.INVALID_OPCODE, Status.INVALID_FIELD, Status.CMD_ID_CONFLICT, Status.DATA_XFER_ERROR,
            Status.INTERNAL_ERROR, Status.ABORT_REQ, Status.INVALID_NAMESPACE, Status.COMMAND_SEQUENCE_ERROR,
            Status.SGL_INVALID_DATA_LENGTH, Status.SGL_INVALID_TYPE, Status.SGL_INVALID_OFFSET,
            Status.TRANSIENT_TRANSPORT_ERROR, Status.LBA_OUT_OF_RANGE, Status.CAPACITY_EXCEEDED,
            Status.NAMESPACE_NOT_READY, Status.ASYNC_LIMIT_EXCEEDED, Status.INVALID_LOG_PAGE,
            Status.FEATURE_NOT_SAVEABLE, Status.CONNECT_INCOMPATIBLE_FORMAT, Status.CONNECT_CONTROLLER_BUSY,
            Status.CONNECT_INVALID_PARAMETERS, Status.CONNECT_RESTART_DISCOVERY, Status.CONNECT_INVALID_HOST,
            Status.WRITE_FAULT, Status.UNRECOVERED_READ_ERROR, Status.COMPARE_FAILURE, Status.ACCESS_DENIED,
            Status.INTERNAL_PATH_ERROR, Status.ANA_PERSISTENT_LOSS, Status.ANA_INACCESSIBLE, Status.ANA_TRANSITION};
        for (int s : all) {
            assertThat(Status.describe(s)).as("0x%03x", s).doesNotStartWith("STATUS ");
        }
    }

    @Test
    void shouldFallBackToAGenericNameForUnknownCodes() {
        assertThat(Status.describe(0x0FE)).isEqualTo("STATUS (0x0fe)");
        assertThat(Status.describe(0x7FF | Status.DNR)).isEqualTo("STATUS (0x7ff) DNR");
    }

    @Test
    void shouldIgnoreCrdAndMoreBitsWhenNaming() {
        // CRD (bits 12:11) and More (bit 13) do not change which status it is.
        assertThat(Status.describe(Status.INVALID_FIELD | 0x1800 | 0x2000)).isEqualTo("INVALID_FIELD (0x002)");
    }
}
