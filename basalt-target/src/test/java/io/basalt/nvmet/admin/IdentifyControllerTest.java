package io.basalt.nvmet.admin;

import io.basalt.nvme.Status;
import io.basalt.nvmet.TargetConfig;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.Sqes;
import io.basalt.nvmet.testing.TestHost;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class IdentifyControllerTest {
    private ControllerRegistry registry;
    private TestHost host;
    private int cntlid;
    private ByteBuf id;

    @BeforeEach
    void setUp() {
        registry = Fixtures.registry();
        host = new TestHost(registry);
        cntlid = host.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        TestHost.Reply reply = host.transfer(Sqes.identify(host.cid(), 0x01, 0), 4096);
        assertThat(reply.status()).as(Status.describe(reply.status())).isZero();
        id = reply.data();
    }

    @AfterEach
    void tearDown() {
        host.close();
    }

    private String ascii(int offset, int length) {
        return id.toString(offset, length, StandardCharsets.US_ASCII);
    }

    @Test
    void shouldReturnExactly4096Bytes() {
        assertThat(IdentifyController.LENGTH).isEqualTo(4096);
        assertThat(id.readableBytes()).isEqualTo(4096);
    }

    @Test
    void shouldReportTheControllerIdConnectReturned() {
        assertThat(id.getUnsignedShortLE(78)).isEqualTo(cntlid);
    }

    @Test
    void shouldSpacePadSerialModelAndFirmware() {
        assertThat(ascii(4, 20)).isEqualTo("SN1" + " ".repeat(17));
        assertThat(ascii(24, 40)).isEqualTo("Basalt" + " ".repeat(34));
        assertThat(ascii(64, 8)).isEqualTo("0.1.0   ");
    }

    @Test
    void shouldReportTheSubsystemNqnNulTerminated() {
        byte[] nqn = Fixtures.SUBNQN.getBytes(StandardCharsets.UTF_8);
        assertThat(ascii(768, nqn.length)).isEqualTo(Fixtures.SUBNQN);
        assertThat(id.getByte(768 + nqn.length)).isZero();
    }

    @Test
    void shouldBeAnIoControllerOfVersion1_4() {
        assertThat((int) id.getUnsignedByte(111)).as("cntrltype").isEqualTo(1);
        assertThat(id.getIntLE(80)).as("ver").isEqualTo(0x10400);
    }

    @Test
    void shouldSupportKeepAlive() {
        assertThat(id.getUnsignedShortLE(320)).as("kas").isNotZero();
    }

    @Test
    void shouldAdvertiseTheInCapsuleSizeTheKernelTargetUses() {
        int ioccsz = id.getIntLE(1792);
        assertThat(ioccsz).isGreaterThanOrEqualTo(4).isEqualTo((16384 + 64) / 16);
        assertThat(ioccsz * 16 - 64).isEqualTo(TargetConfig.IN_CAPSULE_DATA_SIZE_DEFAULT);
        assertThat(id.getIntLE(1796)).as("iorcsz").isEqualTo(1);
        assertThat(id.getUnsignedShortLE(1800)).as("icdoff").isZero();
        assertThat((int) id.getUnsignedByte(1803)).as("msdbd").isEqualTo(1);
    }

    @Test
    void shouldReportQueueLimitsAndTransferSize() {
        assertThat(id.getUnsignedShortLE(514)).as("maxcmd").isEqualTo(Fixtures.config().maxQueueEntries());
        assertThat((int) id.getUnsignedByte(77)).as("mdts: 2^8 pages of 4 KiB = 1 MiB").isEqualTo(8);
        assertThat((int) id.getUnsignedByte(512)).as("sqes").isEqualTo(0x66);
        assertThat((int) id.getUnsignedByte(513)).as("cqes").isEqualTo(0x44);
    }

    @Test
    void shouldSupportSglsWithInCapsuleData() {
        int sgls = id.getIntLE(536);
        assertThat(sgls & 1).as("SGLs without alignment").isEqualTo(1);
        assertThat(sgls & (1 << 20)).as("offset in SGL data block").isNotZero();
    }

    @Test
    void shouldBeReadyForMultipathWithAna() {
        assertThat((int) id.getUnsignedByte(76)).as("cmic").isEqualTo(0x0B);
        assertThat((int) id.getUnsignedByte(343)).as("anacap").isEqualTo(0x1F);
        assertThat((int) id.getUnsignedByte(342)).as("anatt: a lone brick reports what it always did").isEqualTo(10);
        assertThat(id.getIntLE(344)).as("anagrpmax").isEqualTo(1);
        assertThat(id.getIntLE(348)).as("nanagrpid").isEqualTo(1);
    }

    @Test
    void shouldReportNamespaceCountsAndOptionalCommands() {
        assertThat(id.getIntLE(516)).as("nn").isEqualTo(1024);
        int mnan = id.getIntLE(540);
        assertThat(mnan).as("mnan").isNotZero().isLessThanOrEqualTo(id.getIntLE(516));
        int oncs = id.getUnsignedShortLE(520);
        assertThat(oncs & (1 << 2)).as("DSM").isNotZero();
        assertThat(oncs & (1 << 3)).as("Write Zeroes").isNotZero();
    }

    @Test
    void shouldReportNoVolatileCacheForRamStoresAndNoBroadcastFlush() {
        int vwc = id.getUnsignedByte(525);
        assertThat(vwc & 1).as("VWC present").isZero();
        assertThat((vwc >> 1) & 3).as("flush broadcast not supported").isEqualTo(2);
    }

    @Test
    void shouldAdvertiseEffectsLogAndAsyncEvents() {
        assertThat(id.getUnsignedByte(261) & 2).as("lpa: effects log").isNotZero();
        assertThat((int) id.getUnsignedByte(259)).as("aerl, 0's based").isEqualTo(3);
        int oaes = id.getIntLE(92);
        assertThat(oaes & (1 << 8)).as("namespace attribute notices").isNotZero();
        assertThat((int) id.getUnsignedByte(262)).as("elpe").isEqualTo(63);
    }

    @Test
    void shouldRefuseAnIdentifyBufferSmallerThanTheStructure() {
        TestHost.Reply reply = host.transfer(Sqes.identify(host.cid(), 0x01, 0), 1024);
        assertThat(reply.data().readableBytes()).isZero();
        assertThat(reply.status()).isEqualTo(Status.SGL_INVALID_DATA_LENGTH | Status.DNR);
    }
}
