package io.basalt.nvmet.admin;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.Sqes;
import io.basalt.nvmet.testing.TestHost;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LogPagesTest {
    private static final int NSID_ALL = 0xFFFFFFFF;

    private ControllerRegistry registry;
    private TestHost host;
    private TestHost io;
    private int cntlid;

    @BeforeEach
    void setUp() {
        registry = Fixtures.registry();
        host = new TestHost(registry);
        cntlid = host.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
    }

    @AfterEach
    void tearDown() {
        if (io != null) {
            io.close();
        }
        host.close();
    }

    private TestHost.Reply log(int lid, int lsp, long lpo, int length) {
        return host.transfer(Sqes.getLogPage(host.cid(), NSID_ALL, lid, lsp, false, lpo, length), length);
    }

    private ByteBuf page(int lid, int length) {
        TestHost.Reply r = log(lid, 0, 0, length);
        assertThat(r.status()).as(Status.describe(r.status())).isZero();
        assertThat(r.data().readableBytes()).isEqualTo(length);
        return r.data();
    }

    private static byte[] bytes(ByteBuf b, int offset, int length) {
        byte[] out = new byte[length];
        b.getBytes(offset, out);
        return out;
    }

    /** Writes one block to NSID 1 in-capsule through an I/O queue. */
    private void writeOneBlock() {
        if (io == null) {
            io = new TestHost(registry);
            io.connectIoQueue(31, cntlid, Fixtures.SUBNQN, Fixtures.HOST, false);
        }
        ByteBuf data = Unpooled.buffer().writeZero(Fixtures.BLOCK);
        assertThat(io.command(Sqes.blocks(Opcodes.IO_WRITE, io.cid(), 1, 0, 1), data).cqeStatus()).isZero();
    }

    // ---- SMART -----------------------------------------------------------------------------

    @Test
    void shouldReturnASmartLogOfExactly512Bytes() {
        ByteBuf smart = page(LogPages.LID_SMART, 512);
        assertThat(smart.getUnsignedShortLE(1)).as("composite temperature, kelvin").isGreaterThan(273);
        assertThat((int) smart.getUnsignedByte(3)).as("available spare").isEqualTo(100);
        assertThat((int) smart.getUnsignedByte(0)).as("no critical warning").isZero();
    }

    @Test
    void shouldZeroWhatLiesBeyondThe512ByteSmartLog() {
        ByteBuf smart = page(LogPages.LID_SMART, 1024);
        assertThat(bytes(smart, 512, 512)).containsOnly(0);
    }

    @Test
    void shouldCountWritesInTheSmartLog() {
        ByteBuf before = page(LogPages.LID_SMART, 512);
        assertThat(before.getLongLE(80)).as("host write commands").isZero();
        assertThat(before.getLongLE(48)).as("data units written").isZero();
        writeOneBlock();
        writeOneBlock();
        ByteBuf after = page(LogPages.LID_SMART, 512);
        assertThat(after.getLongLE(80)).isEqualTo(2);
        assertThat(after.getLongLE(48)).as("1000 x 512 bytes, rounded up").isEqualTo(1);
    }

    @Test
    void shouldCountReadsInTheSmartLog() {
        writeOneBlock();
        for (int i = 0; i < 3; i++) {
            TestHost.Reply r = io.transfer(Sqes.blocks(Opcodes.IO_READ, io.cid(), 1, 0, 1), Fixtures.BLOCK);
            assertThat(r.status()).isZero();
        }
        ByteBuf smart = page(LogPages.LID_SMART, 512);
        assertThat(smart.getLongLE(64)).as("host read commands").isEqualTo(3);
        assertThat(smart.getLongLE(32)).as("data units read").isEqualTo(1);
        assertThat(smart.getLongLE(80)).as("host write commands").isEqualTo(1);
    }

    @Test
    void shouldLeaveOtherHostsIoOutOfTheSmartLog() {
        try (TestHost other = new TestHost(registry)) {
            int otherId = other.connectAndEnable(Fixtures.SUBNQN, Fixtures.OTHER);
            try (TestHost otherIo = new TestHost(registry)) {
                otherIo.initialize(false, false);
                assertThat(otherIo.connect(1, 31, otherId, Fixtures.SUBNQN, Fixtures.OTHER, 0, 0).cqeStatus())
                        .isZero();
                ByteBuf data = Unpooled.buffer().writeZero(Fixtures.BLOCK);
                assertThat(otherIo.command(Sqes.blocks(Opcodes.IO_WRITE, otherIo.cid(), 2, 0, 1), data).cqeStatus())
                        .isZero();
            }
        }
        assertThat(page(LogPages.LID_SMART, 512).getLongLE(80)).isZero();
    }

    @Test
    void shouldReturnTheRequestedWindowOfTheSmartLog() {
        writeOneBlock();
        ByteBuf whole = page(LogPages.LID_SMART, 512);
        TestHost.Reply window = log(LogPages.LID_SMART, 0, 64, 64);
        assertThat(window.status()).isZero();
        assertThat(window.data().readableBytes()).isEqualTo(64);
        assertThat(bytes(window.data(), 0, 64)).containsExactly(bytes(whole, 64, 64));
        assertThat(window.data().getLongLE(16)).as("host write commands at 80").isEqualTo(1);
    }

    @Test
    void shouldReturnZerosForAnOffsetBeyondThePage() {
        TestHost.Reply r = log(LogPages.LID_SMART, 0, 4096, 64);
        assertThat(r.status()).isZero();
        assertThat(bytes(r.data(), 0, 64)).containsOnly(0);
    }

    @Test
    void shouldRefuseAnOffsetThatIsNotDwordAligned() {
        TestHost.Reply r = log(LogPages.LID_SMART, 0, 2, 64);
        assertThat(r.status()).isEqualTo(Status.INVALID_FIELD | Status.DNR);
        assertThat(r.data().readableBytes()).isZero();
    }

    @Test
    void shouldRefuseMoreDataThanTheHostBufferHolds() {
        ByteBuf sqe = Sqes.getLogPage(host.cid(), NSID_ALL, LogPages.LID_SMART, 0, false, 0, 512);
        TestHost.Reply r = host.transfer(sqe, 256);
        assertThat(r.status()).isEqualTo(Status.INVALID_FIELD | Status.DNR);
    }

    // ---- other pages -----------------------------------------------------------------------

    @Test
    void shouldReturnAnEmptyErrorLog() {
        ByteBuf errors = page(LogPages.LID_ERROR, 4096);
        assertThat(bytes(errors, 0, 4096)).containsOnly(0);
    }

    @Test
    void shouldReportOneActiveFirmwareSlot() {
        ByteBuf fw = page(LogPages.LID_FW_SLOT, 512);
        assertThat((int) fw.getUnsignedByte(0)).as("afi: slot 1 active").isEqualTo(1);
        assertThat(fw.toString(8, 8, StandardCharsets.US_ASCII)).as("frs1").isEqualTo("0.1.0   ");
    }

    @Test
    void shouldReportTheEffectsOfSupportedCommands() {
        ByteBuf fx = page(LogPages.LID_EFFECTS, 4096);
        for (int op : new int[] {Opcodes.ADMIN_GET_LOG_PAGE, Opcodes.ADMIN_IDENTIFY, Opcodes.ADMIN_ABORT,
            Opcodes.ADMIN_SET_FEATURES, Opcodes.ADMIN_GET_FEATURES, Opcodes.ADMIN_ASYNC_EVENT_REQUEST,
            Opcodes.ADMIN_KEEP_ALIVE}) {
            assertThat(fx.getIntLE(op * 4)).as("admin 0x%02x", op).isEqualTo(1);
        }
        assertThat(fx.getIntLE(0x80 * 4)).as("unsupported admin opcode").isZero();
        assertThat(fx.getIntLE(1024 + Opcodes.IO_READ * 4)).as("read: supported").isEqualTo(1);
        assertThat(fx.getIntLE(1024 + Opcodes.IO_FLUSH * 4)).as("flush: supported").isEqualTo(1);
        assertThat(fx.getIntLE(1024 + Opcodes.IO_WRITE * 4)).as("write: supported, changes LBAs").isEqualTo(3);
        assertThat(fx.getIntLE(1024 + Opcodes.IO_WRITE_ZEROES * 4)).isEqualTo(3);
        assertThat(fx.getIntLE(1024 + Opcodes.IO_DATASET_MANAGEMENT * 4)).isEqualTo(3);
        assertThat(fx.getIntLE(1024 + Opcodes.IO_COMPARE * 4)).as("compare is not offered").isZero();
    }

    @Test
    void shouldReturnAnEmptyChangedNamespaceListOf4096Bytes() {
        ByteBuf changed = page(LogPages.LID_CHANGED_NS, 4096);
        assertThat(bytes(changed, 0, 4096)).containsOnly(0);
    }

    @Test
    void shouldReportOneOptimizedAnaGroupHoldingTheVisibleNamespaces() {
        ByteBuf ana = page(LogPages.LID_ANA, 4096);
        assertThat(ana.getLongLE(0)).as("chgcnt").isNotZero();
        assertThat(ana.getUnsignedShortLE(8)).as("ngrps").isEqualTo(1);
        assertThat(bytes(ana, 10, 6)).as("header pads to 16 bytes").containsOnly(0);
        assertThat(ana.getIntLE(16)).as("anagrpid").isEqualTo(1);
        assertThat(ana.getIntLE(20)).as("nnsids").isEqualTo(1);
        assertThat(ana.getLongLE(24)).as("group chgcnt").isNotZero();
        assertThat((int) ana.getUnsignedByte(32)).as("state: optimized").isEqualTo(1);
        assertThat(bytes(ana, 33, 15)).containsOnly(0);
        assertThat(ana.getIntLE(48)).as("NSID").isEqualTo(1);
        assertThat(bytes(ana, 52, 4096 - 52)).as("NSID 2 is hidden from this host").containsOnly(0);
    }

    @Test
    void shouldLeaveOutNsidsWhenOnlyGroupsAreAskedFor() {
        TestHost.Reply r = log(LogPages.LID_ANA, 1, 0, 4096);
        assertThat(r.status()).isZero();
        ByteBuf ana = r.data();
        assertThat(ana.getUnsignedShortLE(8)).isEqualTo(1);
        assertThat(ana.getIntLE(16)).isEqualTo(1);
        assertThat(ana.getIntLE(20)).as("nnsids").isZero();
        assertThat((int) ana.getUnsignedByte(32)).isEqualTo(1);
        assertThat(bytes(ana, 48, 4096 - 48)).containsOnly(0);
    }

    @Test
    void shouldRefuseAnUnknownLogPage() {
        for (int lid : new int[] {0x00, 0x06, 0x0D, 0x70, 0x80, 0xC0}) {
            TestHost.Reply r = log(lid, 0, 0, 512);
            assertThat(r.status()).as("LID 0x%02x", lid).isEqualTo(Status.INVALID_FIELD | Status.DNR);
            assertThat(r.data().readableBytes()).isZero();
        }
    }

    @Test
    void shouldKeepTheUpperNumdWord() {
        // 256 KiB + 4 bytes is 65537 dwords, 0's based 65536: NUMDL is 0 and NUMDU is 1.
        ByteBuf sqe = Sqes.getLogPage(host.cid(), NSID_ALL, LogPages.LID_SMART, 0, false, 0, 256 * 1024 + 4);
        assertThat(sqe.getIntLE(44) & 0xFFFF).isEqualTo(1);
        TestHost.Reply r = host.transfer(sqe, 256 * 1024 + 4);
        assertThat(r.status()).isZero();
        assertThat(r.data().readableBytes()).isEqualTo(256 * 1024 + 4);
    }

    @Test
    void shouldAnswerGetLogPageWithItsCommandId() {
        ByteBuf sqe = Sqes.getLogPage(0x7777, NSID_ALL, LogPages.LID_SMART, 0, false, 0, 512);
        TestHost.Reply r = host.transfer(sqe, 512);
        assertThat(r.resp().cqeCid()).isEqualTo(0x7777);
    }
}
