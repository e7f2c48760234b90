package io.basalt.nvmet.fabrics;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.basalt.nvme.tcp.PduType;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.Pdus;
import io.basalt.nvmet.testing.ReceivedPdu;
import io.basalt.nvmet.testing.Sqes;
import io.basalt.nvmet.testing.TestHost;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FabricsCommandsTest {
    private static final int CAP = 0x00;
    private static final int VS = 0x08;
    private static final int CC = 0x14;
    private static final int CSTS = 0x1C;
    /** EN, IOSQES 6 (64 bytes), IOCQES 4 (16 bytes), MPS 0, CSS NVM: what Linux writes. */
    private static final int CC_ENABLE = 0x460001;

    private ControllerRegistry registry;
    private TestHost host;
    private TestHost io;

    @BeforeEach
    void setUp() {
        registry = Fixtures.registry();
        host = new TestHost(registry);
    }

    @AfterEach
    void tearDown() {
        if (io != null) {
            io.close();
        }
        host.close();
    }

    private void connectAdmin() {
        host.initialize(false, false);
        assertThat(host.connect(0, 31, 0xFFFF, Fixtures.SUBNQN, Fixtures.HOST, 0, 0).cqeStatus()).isZero();
    }

    private ReceivedPdu fabrics(int fctype) {
        ByteBuf sqe = Pdus.sqe(Opcodes.FABRICS, host.cid(), 0);
        sqe.setByte(4, fctype);
        return host.command(sqe, null);
    }

    private static void assertStatus(ReceivedPdu resp, int status) {
        assertThat(resp.type()).isEqualTo(PduType.CAPSULE_RESP);
        assertThat(resp.cqeStatus()).as(Status.describe(resp.cqeStatus())).isEqualTo(status);
    }

    // ---- before Connect --------------------------------------------------------------------

    @Test
    void shouldRefuseAdminCommandsBeforeConnect() {
        host.initialize(false, false);
        List<ReceivedPdu> pdus = host.readCommand(Sqes.identify(host.cid(), 1, 0), 4096);
        assertThat(pdus).hasSize(1);
        assertStatus(pdus.get(0), Status.COMMAND_SEQUENCE_ERROR | Status.DNR);
    }

    @Test
    void shouldRefusePropertyGetBeforeConnect() {
        host.initialize(false, false);
        assertStatus(host.propertyGet(CAP, true), Status.COMMAND_SEQUENCE_ERROR | Status.DNR);
    }

    @Test
    void shouldRefusePropertySetBeforeConnect() {
        host.initialize(false, false);
        assertStatus(host.propertySet(CC, CC_ENABLE), Status.COMMAND_SEQUENCE_ERROR | Status.DNR);
    }

    @Test
    void shouldRefuseDisconnectBeforeConnect() {
        host.initialize(false, false);
        assertStatus(fabrics(Opcodes.FCTYPE_DISCONNECT), Status.COMMAND_SEQUENCE_ERROR | Status.DNR);
        assertThat(host.isOpen()).isTrue();
    }

    @Test
    void shouldRefuseIoCommandsBeforeConnect() {
        host.initialize(false, false);
        List<ReceivedPdu> pdus = host.readCommand(Sqes.blocks(Opcodes.IO_READ, host.cid(), 1, 0, 1), 512);
        assertThat(pdus).hasSize(1);
        assertStatus(pdus.get(0), Status.COMMAND_SEQUENCE_ERROR | Status.DNR);
    }

    // ---- before CC.EN ----------------------------------------------------------------------

    @Test
    void shouldRefuseAdminCommandsUntilTheControllerIsReady() {
        connectAdmin();
        List<ReceivedPdu> pdus = host.readCommand(Sqes.identify(host.cid(), 1, 0), 4096);
        assertThat(pdus).hasSize(1);
        assertStatus(pdus.get(0), Status.COMMAND_SEQUENCE_ERROR | Status.DNR);
        assertStatus(host.propertySet(CC, CC_ENABLE), Status.SUCCESS);
        pdus = host.readCommand(Sqes.identify(host.cid(), 1, 0), 4096);
        assertThat(pdus).extracting(ReceivedPdu::type).containsExactly(PduType.C2H_DATA, PduType.CAPSULE_RESP);
        assertStatus(pdus.get(1), Status.SUCCESS);
    }

    @Test
    void shouldAllowFabricsCommandsBeforeTheControllerIsReady() {
        connectAdmin();
        assertStatus(host.propertyGet(CSTS, false), Status.SUCCESS);
    }

    // ---- properties ------------------------------------------------------------------------

    @Test
    void shouldReportCapabilitiesInEightBytes() {
        connectAdmin();
        ReceivedPdu resp = host.propertyGet(CAP, true);
        assertStatus(resp, Status.SUCCESS);
        long cap = resp.cqeResult();
        assertThat(cap & 0xFFFF).as("MQES, 0's based").isEqualTo(Fixtures.config().maxQueueEntries() - 1);
        assertThat((cap >> 16) & 1).as("CQR").isEqualTo(1);
        assertThat((cap >> 24) & 0xFF).as("TO").isNotZero();
        assertThat((cap >> 37) & 1).as("CSS NVM").isEqualTo(1);
        assertThat((cap >> 48) & 0xF).as("MPSMIN 4 KiB").isZero();
    }

    @Test
    void shouldTruncateCapabilitiesReadAsFourBytes() {
        connectAdmin();
        ReceivedPdu resp = host.propertyGet(CAP, false);
        assertStatus(resp, Status.SUCCESS);
        assertThat(resp.cqeResult() >>> 32).isZero();
        assertThat(resp.cqeResult() & 0xFFFF).isEqualTo(Fixtures.config().maxQueueEntries() - 1);
    }

    @Test
    void shouldReportVersion1_4() {
        connectAdmin();
        ReceivedPdu resp = host.propertyGet(VS, false);
        assertStatus(resp, Status.SUCCESS);
        assertThat(resp.cqeResult()).isEqualTo(0x10400);
    }

    @Test
    void shouldBecomeReadyWhenEnabled() {
        connectAdmin();
        assertThat(host.propertyGet(CSTS, false).cqeResult() & 1).isZero();
        assertStatus(host.propertySet(CC, CC_ENABLE), Status.SUCCESS);
        assertThat(host.propertyGet(CC, false).cqeResult()).isEqualTo(CC_ENABLE);
        long csts = host.propertyGet(CSTS, false).cqeResult();
        assertThat(csts & 1).as("RDY").isEqualTo(1);
        assertThat(csts & 2).as("CFS").isZero();
    }

    @Test
    void shouldReportFatalStatusForAnUnsupportedSubmissionEntrySize() {
        connectAdmin();
        assertStatus(host.propertySet(CC, 0x450001), Status.SUCCESS);
        long csts = host.propertyGet(CSTS, false).cqeResult();
        assertThat(csts & 2).as("CFS").isEqualTo(2);
        assertThat(csts & 1).as("RDY").isZero();
    }

    @Test
    void shouldReportFatalStatusForAnUnsupportedPageSize() {
        connectAdmin();
        assertStatus(host.propertySet(CC, CC_ENABLE | (1 << 7)), Status.SUCCESS);
        assertThat(host.propertyGet(CSTS, false).cqeResult() & 3).isEqualTo(2);
    }

    @Test
    void shouldClearReadyWhenDisabled() {
        connectAdmin();
        host.propertySet(CC, CC_ENABLE);
        host.propertySet(CC, CC_ENABLE & ~1);
        assertThat(host.propertyGet(CSTS, false).cqeResult() & 1).isZero();
    }

    @Test
    void shouldCompleteShutdownWhenTheHostSetsShn() {
        connectAdmin();
        host.propertySet(CC, CC_ENABLE);
        assertStatus(host.propertySet(CC, CC_ENABLE | (1 << 14)), Status.SUCCESS);
        long csts = host.propertyGet(CSTS, false).cqeResult();
        assertThat((csts >> 2) & 3).as("SHST").isEqualTo(2);
    }

    @Test
    void shouldRefuseSettingAPropertyOtherThanCc() {
        connectAdmin();
        assertStatus(host.propertySet(CSTS, 1), Status.INVALID_FIELD | Status.DNR);
        assertStatus(host.propertySet(CAP, 1), Status.INVALID_FIELD | Status.DNR);
        assertThat(host.propertyGet(CSTS, false).cqeResult()).isZero();
    }

    @Test
    void shouldRefuseGettingAnUnknownProperty() {
        connectAdmin();
        assertStatus(host.propertyGet(0x24, false), Status.INVALID_FIELD | Status.DNR);
    }

    @Test
    void shouldRefusePropertiesOnAnIoQueue() {
        int cntlid = host.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        io = new TestHost(registry);
        io.connectIoQueue(31, cntlid, Fixtures.SUBNQN, Fixtures.HOST, false);
        assertStatus(io.propertyGet(CAP, true), Status.INVALID_FIELD | Status.DNR);
        assertStatus(io.propertySet(CC, 0), Status.INVALID_FIELD | Status.DNR);
    }

    // ---- other fabrics commands ------------------------------------------------------------

    @Test
    void shouldCloseTheConnectionAfterAnsweringDisconnect() {
        connectAdmin();
        ReceivedPdu resp = fabrics(Opcodes.FCTYPE_DISCONNECT);
        assertStatus(resp, Status.SUCCESS);
        assertThat(host.isOpen()).isFalse();
        assertThat(registry.size()).isZero();
    }

    @Test
    void shouldRefuseAuthenticationCommands() {
        connectAdmin();
        assertStatus(fabrics(Opcodes.FCTYPE_AUTH_SEND), Status.INVALID_OPCODE | Status.DNR);
        assertStatus(fabrics(Opcodes.FCTYPE_AUTH_RECEIVE), Status.INVALID_OPCODE | Status.DNR);
    }

    @Test
    void shouldRefuseAnUnknownFabricsCommandType() {
        host.initialize(false, false);
        assertStatus(fabrics(0x7E), Status.INVALID_OPCODE | Status.DNR);
    }
}
