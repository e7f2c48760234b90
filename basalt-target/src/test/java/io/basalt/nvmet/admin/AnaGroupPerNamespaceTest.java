package io.basalt.nvmet.admin;

import io.basalt.block.testing.MemoryBlockStore;
import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.basalt.nvme.admin.AnaGroupDescriptor;
import io.basalt.nvme.admin.IdentifyControllerData;
import io.basalt.nvme.admin.AnaLogHeader;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.subsystem.AnaState;
import io.basalt.volume.HostAccess;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.subsystem.Subsystem;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.Pdus;
import io.basalt.nvmet.testing.ReceivedPdu;
import io.basalt.nvmet.testing.Sqes;
import io.basalt.nvmet.testing.TestHost;
import io.basalt.volume.Volume;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One path of a multi-brick subsystem ({@link Fixtures#clusterSubsystem}): an ANA group per
 * namespace, as Identify and the ANA log page show it, and the ANA change notice.
 */
class AnaGroupPerNamespaceTest {
    private static final int NSID_ALL = 0xFFFFFFFF;
    /** Notice (type 2), ANA change (info 03h), log page 0Ch. */
    private static final long ANA_CHANGE_RESULT = 0x000C0302L;

    private ControllerRegistry registry;
    private Subsystem subsystem;
    private final List<TestHost> hosts = new ArrayList<>();
    private TestHost host;

    @BeforeEach
    void setUp() {
        registry = Fixtures.clusterRegistry();
        subsystem = registry.subsystem();
        host = open(Fixtures.HOST);
    }

    @AfterEach
    void tearDown() {
        hosts.forEach(TestHost::close);
    }

    private TestHost open(String hostNqn) {
        TestHost h = new TestHost(registry);
        hosts.add(h);
        h.connectAndEnable(Fixtures.SUBNQN, hostNqn);
        return h;
    }

    private static ByteBuf anaLog(TestHost h, int lsp, boolean rae) {
        TestHost.Reply r = h.transfer(Sqes.getLogPage(h.cid(), NSID_ALL, LogPages.LID_ANA, lsp, rae, 0, 4096), 4096);
        assertThat(r.status()).as(Status.describe(r.status())).isZero();
        return r.data();
    }

    private static ByteBuf identify(TestHost h, int cns, int nsid) {
        TestHost.Reply r = h.transfer(Sqes.identify(h.cid(), cns, nsid), 4096);
        assertThat(r.status()).as(Status.describe(r.status())).isZero();
        return r.data();
    }

    private static void enableAnaNotices(TestHost h) {
        assertThat(h.command(Sqes.setFeatures(h.cid(), Features.FID_ASYNC_EVENT_CONFIG, 1 << 11, false), null)
                .cqeStatus()).isZero();
    }

    private static List<ReceivedPdu> sendAers(TestHost h, int n) {
        for (int i = 0; i < n; i++) {
            h.send(Pdus.capsule(Pdus.sqe(Opcodes.ADMIN_ASYNC_EVENT_REQUEST, 100 + i, 0), null, false, false));
        }
        return h.drain();
    }

    private static byte[] bytes(ByteBuf b, int offset, int length) {
        byte[] out = new byte[length];
        b.getBytes(offset, out);
        return out;
    }

    // ---- Identify --------------------------------------------------------------------------

    @Test
    void shouldAdvertiseAGroupPerPossibleNamespaceAndTheConfiguredAnatt() {
        ByteBuf id = identify(host, 0x01, 0);
        assertThat((int) id.getUnsignedByte(IdentifyControllerData.CMIC_OFFSET)).as("cmic: multi-port, multi-controller, ANA").isEqualTo(0x0B);
        assertThat((int) id.getUnsignedByte(IdentifyControllerData.ANATT_OFFSET)).as("anatt").isEqualTo(Fixtures.CLUSTER_ANATT);
        assertThat((int) id.getUnsignedByte(IdentifyControllerData.ANACAP_OFFSET)).as("anacap").isEqualTo(0x1F);
        assertThat(id.getIntLE(IdentifyControllerData.ANAGRPMAX_OFFSET)).as("anagrpmax").isEqualTo(Subsystem.MAX_NAMESPACES);
        assertThat(id.getIntLE(IdentifyControllerData.NANAGRPID_OFFSET)).as("nanagrpid").isEqualTo(Subsystem.MAX_NAMESPACES);
        long hostBuffer = AnaLogHeader.maxLength(id.getUnsignedIntLE(IdentifyControllerData.NANAGRPID_OFFSET),
                id.getUnsignedIntLE(IdentifyControllerData.MNAN_OFFSET));
        assertThat(hostBuffer).as("the host's ANA log buffer fits one transfer (MDTS)")
                .isLessThanOrEqualTo(Fixtures.clusterConfig().maxTransferSize());
    }

    @Test
    void shouldPutEachNamespaceInTheGroupNamedByItsNsidAndMarkItShared() {
        for (int nsid : new int[] {1, 3, 5}) {
            ByteBuf ns = identify(host, 0x00, nsid);
            assertThat((int) ns.getUnsignedByte(30)).as("nmic: shared").isEqualTo(1);
            assertThat(ns.getIntLE(92)).as("anagrpid of NSID %d", nsid).isEqualTo(nsid);
            ByteBuf independent = identify(host, 0x08, nsid);
            assertThat((int) independent.getUnsignedByte(1)).as("nmic").isEqualTo(1);
            assertThat(independent.getIntLE(4)).as("anagrpid").isEqualTo(nsid);
        }
    }

    // ---- ANA log page ----------------------------------------------------------------------

    @Test
    void shouldReportOneOptimizedGroupPerVisibleNamespaceByDefault() {
        ByteBuf log = anaLog(host, 0, false);
        assertThat(AnaLogHeader.chgcnt(log, 0)).isEqualTo(1);
        assertThat(AnaLogHeader.ngrps(log, 0)).as("NSID 2 belongs to another host").isEqualTo(3);
        int d = AnaLogHeader.LENGTH;
        for (int nsid : new int[] {1, 3, 5}) {
            assertThat(AnaGroupDescriptor.anagrpid(log, d)).isEqualTo(nsid);
            assertThat(AnaGroupDescriptor.nnsids(log, d)).isEqualTo(1);
            assertThat(AnaGroupDescriptor.chgcnt(log, d)).isEqualTo(1);
            assertThat(AnaGroupDescriptor.state(log, d)).isEqualTo(AnaGroupDescriptor.STATE_OPTIMIZED);
            assertThat(AnaGroupDescriptor.nsid(log, d, 0)).isEqualTo(nsid);
            d += AnaGroupDescriptor.length(1);
        }
        assertThat(bytes(log, d, 4096 - d)).containsOnly(0);
    }

    @Test
    void shouldReportEachGroupsOwnStateAndChangeCountByteForByte() {
        subsystem.setAnaState(3, AnaState.INACCESSIBLE);
        subsystem.setAnaState(5, AnaState.CHANGE);
        subsystem.setAnaState(2, AnaState.PERSISTENT_LOSS);
        subsystem.setAnaState(5, AnaState.NON_OPTIMIZED);

        ByteBuf log = anaLog(host, 0, false);
        byte[] expected = {
            // header: chgcnt 5 (1 + four changes), ngrps 3, reserved
            5, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0,
            // group 1: nnsids 1, chgcnt 1, optimized, reserved; NSID 1
            1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            1, 0, 0, 0,
            // group 3: chgcnt 2, inaccessible; NSID 3
            3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            3, 0, 0, 0,
            // group 5: chgcnt 5, non-optimized; NSID 5
            5, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            5, 0, 0, 0,
        };
        assertThat(bytes(log, 0, expected.length)).containsExactly(expected);
        assertThat(bytes(log, expected.length, 4096 - expected.length)).containsOnly(0);
    }

    @Test
    void shouldLeaveOutTheNsidListsWhenOnlyGroupsAreAskedFor() {
        subsystem.setAnaState(3, AnaState.INACCESSIBLE);
        ByteBuf log = anaLog(host, AnaLogHeader.LSP_GROUPS_ONLY, false);
        byte[] expected = {
            2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0,
            1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            3, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            5, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        };
        assertThat(bytes(log, 0, expected.length)).containsExactly(expected);
        assertThat(bytes(log, expected.length, 4096 - expected.length)).containsOnly(0);
    }

    @Test
    void shouldNotCountSettingTheStateANamespaceAlreadyHas() {
        subsystem.setAnaState(1, AnaState.OPTIMIZED);
        assertThat(AnaLogHeader.chgcnt(anaLog(host, 0, false), 0)).isEqualTo(1);
    }

    @Test
    void shouldAddANamespaceInItsInitialStateBeforeAnyHostSeesIt() {
        subsystem.addNamespace(new Namespace(new Volume(4, "replica",
                UUID.nameUUIDFromBytes(new byte[] {4}),
                new MemoryBlockStore(Fixtures.BLOCKS * Fixtures.BLOCK, Fixtures.BLOCK),
                HostAccess.any())), AnaState.INACCESSIBLE);
        ByteBuf log = anaLog(host, 0, false);
        assertThat(AnaLogHeader.ngrps(log, 0)).isEqualTo(4);
        int fourth = AnaLogHeader.LENGTH + 2 * AnaGroupDescriptor.length(1);
        assertThat(AnaGroupDescriptor.anagrpid(log, fourth)).isEqualTo(4);
        assertThat(AnaGroupDescriptor.state(log, fourth)).isEqualTo(AnaGroupDescriptor.STATE_INACCESSIBLE);
    }

    // ---- ANA change notice -----------------------------------------------------------------

    @Test
    void shouldCompleteAnAerWithAnAnaChangeNoticeWhenAStateChanges() {
        enableAnaNotices(host);
        assertThat(sendAers(host, 2)).isEmpty();
        subsystem.setAnaState(3, AnaState.INACCESSIBLE);
        List<ReceivedPdu> done = host.drain();
        assertThat(done).hasSize(1);
        assertThat(done.get(0).cqeStatus()).isZero();
        assertThat(done.get(0).cqeResult() & 0xFFFFFFFFL).isEqualTo(ANA_CHANGE_RESULT);
        assertThat(AnaGroupDescriptor.state(anaLog(host, 0, false), AnaLogHeader.LENGTH + AnaGroupDescriptor.length(1)))
                .isEqualTo(AnaGroupDescriptor.STATE_INACCESSIBLE);
    }

    @Test
    void shouldMaskFurtherAnaNoticesUntilTheLogIsReadWithoutRae() {
        enableAnaNotices(host);
        assertThat(sendAers(host, 2)).isEmpty();
        subsystem.setAnaState(3, AnaState.CHANGE);
        assertThat(host.drain()).hasSize(1);
        subsystem.setAnaState(3, AnaState.OPTIMIZED);
        assertThat(host.drain()).as("masked until the host reads log 0Ch").isEmpty();
        anaLog(host, 0, true);
        subsystem.setAnaState(3, AnaState.INACCESSIBLE);
        assertThat(host.drain()).as("RAE kept it masked").isEmpty();
        anaLog(host, 0, false);
        subsystem.setAnaState(3, AnaState.OPTIMIZED);
        List<ReceivedPdu> after = host.drain();
        assertThat(after).hasSize(1);
        assertThat(after.get(0).cqeResult() & 0xFFFFFFFFL).isEqualTo(ANA_CHANGE_RESULT);
    }

    @Test
    void shouldNotNotifyWhenAnaNoticesAreDisabled() {
        assertThat(sendAers(host, 1)).isEmpty();
        subsystem.setAnaState(1, AnaState.INACCESSIBLE);
        assertThat(host.drain()).isEmpty();
    }

    @Test
    void shouldNotifyOnlyHostsThatSeeTheNamespace() {
        TestHost other = open(Fixtures.OTHER);
        enableAnaNotices(host);
        enableAnaNotices(other);
        assertThat(sendAers(host, 1)).isEmpty();
        assertThat(sendAers(other, 1)).isEmpty();
        subsystem.setAnaState(2, AnaState.INACCESSIBLE);
        assertThat(host.drain()).as("NSID 2 is hidden from HOST").isEmpty();
        List<ReceivedPdu> done = other.drain();
        assertThat(done).hasSize(1);
        assertThat(done.get(0).cqeResult() & 0xFFFFFFFFL).isEqualTo(ANA_CHANGE_RESULT);
    }

    @Test
    void shouldNotifyEveryConnectedControllerOfTheHost() {
        TestHost second = open(Fixtures.HOST);
        enableAnaNotices(host);
        enableAnaNotices(second);
        assertThat(sendAers(host, 1)).isEmpty();
        assertThat(sendAers(second, 1)).isEmpty();
        subsystem.setAnaState(5, AnaState.INACCESSIBLE);
        assertThat(host.drain()).hasSize(1);
        assertThat(second.drain()).hasSize(1);
    }
}
