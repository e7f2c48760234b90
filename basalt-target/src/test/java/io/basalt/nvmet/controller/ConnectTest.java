package io.basalt.nvmet.controller;

import io.basalt.block.testing.MemoryBlockStore;
import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.basalt.nvmet.admin.Features;
import io.basalt.volume.HostAccess;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.Pdus;
import io.basalt.nvmet.testing.ReceivedPdu;
import io.basalt.nvmet.testing.Sqes;
import io.basalt.nvmet.testing.TestHost;
import io.basalt.volume.Volume;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectTest {
    private static final int IATTR_DATA = 1 << 16;
    private static final int MAX_QUEUE_ENTRIES = Fixtures.config().maxQueueEntries();

    private ControllerRegistry registry;
    private TestHost admin;
    private final List<TestHost> hosts = new ArrayList<>();

    @BeforeEach
    void setUp() {
        registry = Fixtures.registry();
        admin = open();
    }

    @AfterEach
    void tearDown() {
        hosts.forEach(TestHost::close);
    }

    private TestHost open() {
        TestHost h = new TestHost(registry);
        hosts.add(h);
        return h;
    }

    private static ByteBuf connectSqe(int qid, int sqsize, int recfmt) {
        ByteBuf sqe = Pdus.sqe(Opcodes.FABRICS, 1, 0);
        sqe.setByte(4, Opcodes.FCTYPE_CONNECT);
        sqe.setShortLE(40, recfmt);
        sqe.setShortLE(42, qid);
        sqe.setShortLE(44, sqsize);
        return sqe;
    }

    private static ByteBuf connectData(int cntlid, String subNqn, String hostNqn) {
        ByteBuf data = Unpooled.buffer(1024).writeZero(1024);
        data.setShortLE(16, cntlid);
        data.setBytes(256, subNqn.getBytes(StandardCharsets.UTF_8));
        data.setBytes(512, hostNqn.getBytes(StandardCharsets.UTF_8));
        return data;
    }

    private ReceivedPdu connectAdmin(String subNqn, String hostNqn) {
        admin.initialize(false, false);
        return admin.connect(0, 31, 0xFFFF, subNqn, hostNqn, 0, 0);
    }

    /** A new connection that sends an I/O queue Connect; the caller checks the answer. */
    private ReceivedPdu connectIo(int qid, int sqsize, int cntlid, String hostNqn) {
        TestHost io = open();
        io.initialize(false, false);
        return io.connect(qid, sqsize, cntlid, Fixtures.SUBNQN, hostNqn, 0, 0);
    }

    private static void assertInvalidParameter(ReceivedPdu resp, long attributeAndOffset) {
        assertThat(resp.cqeStatus()).as(Status.describe(resp.cqeStatus()))
                .isEqualTo(Status.CONNECT_INVALID_PARAMETERS | Status.DNR);
        assertThat(resp.cqeResult() & 0xFFFFFFFFL).isEqualTo(attributeAndOffset);
    }

    // ---- admin queue -----------------------------------------------------------------------

    @Test
    void shouldAllocateADynamicControllerIdOnAdminConnect() {
        ReceivedPdu resp = connectAdmin(Fixtures.SUBNQN, Fixtures.HOST);
        assertThat(resp.cqeStatus()).isZero();
        assertThat(resp.cqeResult() & 0xFFFF).isBetween(1L, 0xFFEFL);
        assertThat(registry.get((int) resp.cqeResult() & 0xFFFF)).isNotNull();
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void shouldGiveEachControllerADistinctId() {
        int first = (int) connectAdmin(Fixtures.SUBNQN, Fixtures.HOST).cqeResult() & 0xFFFF;
        TestHost second = open();
        second.initialize(false, false);
        ReceivedPdu resp = second.connect(0, 31, 0xFFFF, Fixtures.SUBNQN, Fixtures.OTHER, 0, 0);
        assertThat(resp.cqeStatus()).isZero();
        assertThat(resp.cqeResult() & 0xFFFF).isNotEqualTo(first).isBetween(1L, 0xFFEFL);
        assertThat(registry.size()).isEqualTo(2);
    }

    @Test
    void shouldRefuseAnUnknownSubsystemNamingTheSubnqnField() {
        ReceivedPdu resp = connectAdmin("nqn.2026-01.io.basalt:nope", Fixtures.HOST);
        assertInvalidParameter(resp, IATTR_DATA | 256);
        assertThat(registry.size()).isZero();
    }

    @Test
    void shouldRefuseAHostThatMaySeeNoNamespace() {
        ReceivedPdu resp = connectAdmin(Fixtures.SUBNQN, Fixtures.STRANGER);
        assertThat(resp.cqeStatus()).isEqualTo(Status.CONNECT_INVALID_HOST | Status.DNR);
        assertThat(registry.size()).isZero();
    }

    // SPDK's initiator (spdk_nvme_perf) sends an empty host NQN by default; Linux's and SPDK's
    // targets take it as an anonymous host that sees what is open to any host.

    @Test
    void shouldAdmitAnEmptyHostNqnAsAnonymousSeeingOnlyNamespacesOpenToAnyHost() {
        addNamespace(3, HostAccess.any());
        addNamespace(4, HostAccess.of(Set.of("")));

        int cntlid = admin.connectAndEnable(Fixtures.SUBNQN, "");
        TestHost.Reply list = admin.transfer(Sqes.identify(admin.cid(), 0x02, 0), 4096);

        assertThat(registry.get(cntlid).hostNqn()).isEmpty();
        assertThat(list.status()).isZero();
        assertThat(list.data().getIntLE(0)).isEqualTo(3);
        assertThat(list.data().getIntLE(4)).as("only the any-host namespace").isZero();
        assertThat(connectIo(1, 31, cntlid, "").cqeStatus()).as("its I/O queue").isZero();
        assertThat(connectIo(2, 31, cntlid, Fixtures.HOST).cqeStatus()).as("another host's I/O queue")
                .isEqualTo(Status.CONNECT_INVALID_PARAMETERS | Status.DNR);
    }

    @Test
    void shouldRefuseAnEmptyHostNqnAsAnUnknownHostWhenNoNamespaceIsOpenToAnyHost() {
        ReceivedPdu resp = connectAdmin(Fixtures.SUBNQN, "");
        assertThat(resp.cqeStatus()).as(Status.describe(resp.cqeStatus()))
                .isEqualTo(Status.CONNECT_INVALID_HOST | Status.DNR);
        assertThat(registry.size()).isZero();
    }

    @Test
    void shouldRefuseAnNqnFieldWithoutItsTerminatingNul() {
        ByteBuf data = connectData(0xFFFF, Fixtures.SUBNQN, "");
        data.setBytes(512, "h".repeat(256).getBytes(StandardCharsets.US_ASCII));
        admin.initialize(false, false);
        assertInvalidParameter(admin.command(connectSqe(0, 31, 0), data), IATTR_DATA | 512);

        TestHost other = open();
        other.initialize(false, false);
        ByteBuf sub = connectData(0xFFFF, "", Fixtures.HOST);
        sub.setBytes(256, "s".repeat(256).getBytes(StandardCharsets.US_ASCII));
        assertInvalidParameter(other.command(connectSqe(0, 31, 0), sub), IATTR_DATA | 256);
        assertThat(registry.size()).isZero();
    }

    private void addNamespace(int nsid, HostAccess access) {
        registry.subsystem().addNamespace(new Namespace(new Volume(nsid, "ns" + nsid, UUID.randomUUID(),
                new MemoryBlockStore(1 << 20, 512), access)));
    }

    @Test
    void shouldRefuseAZeroSqsizeNamingTheSqsizeField() {
        admin.initialize(false, false);
        assertInvalidParameter(admin.connect(0, 0, 0xFFFF, Fixtures.SUBNQN, Fixtures.HOST, 0, 0), 44);
    }

    @Test
    void shouldRefuseAnSqsizeAboveMqes() {
        admin.initialize(false, false);
        // SQSIZE is 0's based: MQES + 1 asks for one entry more than CAP.MQES allows.
        assertInvalidParameter(admin.connect(0, MAX_QUEUE_ENTRIES, 0xFFFF, Fixtures.SUBNQN, Fixtures.HOST, 0, 0),
                44);
    }

    @Test
    void shouldAcceptAnSqsizeOfExactlyMqes() {
        admin.initialize(false, false);
        ReceivedPdu resp = admin.connect(0, MAX_QUEUE_ENTRIES - 1, 0xFFFF, Fixtures.SUBNQN, Fixtures.HOST, 0, 0);
        assertThat(resp.cqeStatus()).isZero();
    }

    @Test
    void shouldRefuseANonZeroRecordFormat() {
        admin.initialize(false, false);
        ReceivedPdu resp = admin.command(connectSqe(0, 31, 1), connectData(0xFFFF, Fixtures.SUBNQN, Fixtures.HOST));
        assertThat(resp.cqeStatus()).isEqualTo(Status.CONNECT_INCOMPATIBLE_FORMAT | Status.DNR);
        assertThat(registry.size()).isZero();
    }

    @Test
    void shouldRefuseConnectDataThatIsNot1024Bytes() {
        admin.initialize(false, false);
        ByteBuf data = connectData(0xFFFF, Fixtures.SUBNQN, Fixtures.HOST).writeZero(4);
        ReceivedPdu resp = admin.command(connectSqe(0, 31, 0), data);
        assertThat(resp.cqeStatus()).isEqualTo(Status.SGL_INVALID_DATA_LENGTH | Status.DNR);
    }

    @Test
    void shouldRefuseASecondConnectOnTheSameQueue() {
        assertThat(connectAdmin(Fixtures.SUBNQN, Fixtures.HOST).cqeStatus()).isZero();
        ReceivedPdu again = admin.connect(0, 31, 0xFFFF, Fixtures.SUBNQN, Fixtures.HOST, 0, 0);
        assertThat(again.cqeStatus()).isEqualTo(Status.COMMAND_SEQUENCE_ERROR | Status.DNR);
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void shouldEchoTheCommandIdOfTheConnect() {
        admin.initialize(false, false);
        ByteBuf sqe = connectSqe(0, 31, 0);
        sqe.setShortLE(2, 0xA5C3);
        ReceivedPdu resp = admin.command(sqe, connectData(0xFFFF, Fixtures.SUBNQN, Fixtures.HOST));
        assertThat(resp.cqeCid()).isEqualTo(0xA5C3);
    }

    // ---- I/O queues ------------------------------------------------------------------------

    @Test
    void shouldAttachAnIoQueueToItsController() {
        int cntlid = admin.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        ReceivedPdu resp = connectIo(1, 127, cntlid, Fixtures.HOST);
        assertThat(resp.cqeStatus()).isZero();
        assertThat(registry.size()).as("an I/O queue creates no controller").isEqualTo(1);
    }

    @Test
    void shouldRefuseAnIoQueueForAnUnknownControllerId() {
        int cntlid = admin.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        assertInvalidParameter(connectIo(1, 127, cntlid + 1, Fixtures.HOST), IATTR_DATA | 16);
    }

    @Test
    void shouldRefuseAnIoQueueFromAnotherHost() {
        int cntlid = admin.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        assertInvalidParameter(connectIo(1, 127, cntlid, Fixtures.OTHER), IATTR_DATA | 16);
    }

    @Test
    void shouldRefuseAQidAboveTheDefaultQueueCount() {
        int cntlid = admin.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        int max = Fixtures.config().maxIoQueues();
        assertThat(connectIo(max, 127, cntlid, Fixtures.HOST).cqeStatus()).isZero();
        assertInvalidParameter(connectIo(max + 1, 127, cntlid, Fixtures.HOST), 42);
    }

    @Test
    void shouldRefuseAQidAboveTheQueuesGrantedByNumberOfQueues() {
        int cntlid = admin.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        // Ask for 2 queues (0's based 1 in both halves).
        ReceivedPdu set = admin.command(Sqes.setFeatures(admin.cid(), Features.FID_NUMBER_OF_QUEUES,
                (1 << 16) | 1, false), null);
        assertThat(set.cqeStatus()).isZero();
        assertThat(connectIo(2, 127, cntlid, Fixtures.HOST).cqeStatus()).isZero();
        assertInvalidParameter(connectIo(3, 127, cntlid, Fixtures.HOST), 42);
    }

    @Test
    void shouldRefuseTheSameQidTwice() {
        int cntlid = admin.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        assertThat(connectIo(1, 127, cntlid, Fixtures.HOST).cqeStatus()).isZero();
        assertThat(connectIo(1, 127, cntlid, Fixtures.HOST).cqeStatus())
                .isEqualTo(Status.COMMAND_SEQUENCE_ERROR | Status.DNR);
        assertThat(connectIo(2, 127, cntlid, Fixtures.HOST).cqeStatus()).isZero();
    }

    @Test
    void shouldFreeTheQidWhenItsConnectionCloses() {
        int cntlid = admin.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        assertThat(connectIo(1, 127, cntlid, Fixtures.HOST).cqeStatus()).isZero();
        TestHost first = hosts.getLast();
        first.channel().close();
        first.channel().runPendingTasks();
        assertThat(connectIo(1, 127, cntlid, Fixtures.HOST).cqeStatus()).isZero();
    }

    @Test
    void shouldRefuseAnIoQueueBeforeTheControllerIsEnabled() {
        ReceivedPdu resp = connectAdmin(Fixtures.SUBNQN, Fixtures.HOST);
        int cntlid = (int) resp.cqeResult() & 0xFFFF;
        assertThat(connectIo(1, 127, cntlid, Fixtures.HOST).cqeStatus())
                .isEqualTo(Status.COMMAND_SEQUENCE_ERROR | Status.DNR);
    }

    @Test
    void shouldRefuseAZeroSqsizeOnAnIoQueue() {
        int cntlid = admin.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        assertInvalidParameter(connectIo(1, 0, cntlid, Fixtures.HOST), 44);
    }

    @Test
    void shouldCloseTheIoQueuesWhenTheAdminQueueCloses() {
        int cntlid = admin.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        assertThat(connectIo(1, 127, cntlid, Fixtures.HOST).cqeStatus()).isZero();
        TestHost io = hosts.getLast();
        admin.channel().close();
        admin.channel().runPendingTasks();
        assertThat(registry.size()).isZero();
        assertThat(io.isOpen()).isFalse();
    }

    // ---- SQ head -------------------------------------------------------------------------

    @Test
    void shouldAdvanceSqheadModuloTheQueueSize() {
        admin.initialize(false, false);
        // Admin queue of 4 entries: the Connect's own completion reports head 1.
        ReceivedPdu connect = admin.connect(0, 3, 0xFFFF, Fixtures.SUBNQN, Fixtures.HOST, 0, 0);
        assertThat(connect.cqeStatus()).isZero();
        assertThat(connect.cqeSqhd()).isEqualTo(1);
        List<Integer> heads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            heads.add(admin.propertyGet(0x1C, false).cqeSqhd());
        }
        assertThat(heads).containsExactly(2, 3, 0, 1, 2);
    }

    @Test
    void shouldReportSqheadFfffWhenTheHostDisablesSqFlowControl() {
        admin.initialize(false, false);
        ReceivedPdu connect = admin.connect(0, 3, 0xFFFF, Fixtures.SUBNQN, Fixtures.HOST, 0, 0x04);
        assertThat(connect.cqeStatus()).isZero();
        assertThat(connect.cqeSqhd()).isEqualTo(0xFFFF);
        for (int i = 0; i < 5; i++) {
            assertThat(admin.propertyGet(0x1C, false).cqeSqhd()).isEqualTo(0xFFFF);
        }
    }

    @Test
    void shouldReportTheIoQueueIdInCompletions() {
        int cntlid = admin.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        ReceivedPdu resp = connectIo(5, 127, cntlid, Fixtures.HOST);
        assertThat(resp.cqeStatus()).isZero();
        assertThat(resp.bytes().getUnsignedShortLE(8 + 10)).as("sqid").isEqualTo(5);
    }
}
