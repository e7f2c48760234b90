package io.basalt.nvmet.admin;

import io.basalt.block.testing.MemoryBlockStore;
import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.basalt.nvme.tcp.PduType;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.volume.HostAccess;
import io.basalt.nvmet.subsystem.Namespace;
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

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AdminCommandsTest {
    private ControllerRegistry registry;
    private TestHost host;

    @BeforeEach
    void setUp() {
        registry = Fixtures.registry();
        host = new TestHost(registry);
        host.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
    }

    @AfterEach
    void tearDown() {
        host.close();
    }

    private ByteBuf aer(int cid) {
        return Pdus.sqe(Opcodes.ADMIN_ASYNC_EVENT_REQUEST, cid, 0);
    }

    /** Sends AERs with cids 100..100+n-1 and returns what came back at once. */
    private List<ReceivedPdu> sendAers(int n) {
        for (int i = 0; i < n; i++) {
            host.send(Pdus.capsule(aer(100 + i), null, false, false));
        }
        return host.drain();
    }

    private void addNamespace(int nsid) {
        registry.subsystem().addNamespace(new Namespace(new Volume(nsid, "ns" + nsid,
                UUID.nameUUIDFromBytes(new byte[] {(byte) nsid}), new MemoryBlockStore(Fixtures.BLOCKS * Fixtures.BLOCK,
                Fixtures.BLOCK), HostAccess.any())));
    }

    // ---- Identify --------------------------------------------------------------------------

    @Test
    void shouldAnswerCsiSpecificControllerIdentifyForNvm() {
        TestHost.Reply r = host.transfer(Sqes.identify(host.cid(), 0x06, 0, 0), 4096);
        assertThat(r.status()).isZero();
        assertThat(r.data().readableBytes()).isEqualTo(4096);
    }

    @Test
    void shouldRefuseCsiSpecificControllerIdentifyForZonedNamespaces() {
        TestHost.Reply r = host.transfer(Sqes.identify(host.cid(), 0x06, 0, 2), 4096);
        assertThat(r.status()).isEqualTo(Status.INVALID_FIELD | Status.DNR);
        assertThat(r.data().readableBytes()).isZero();
    }

    @Test
    void shouldAnswerCsiSpecificNamespaceIdentifyForTheNvmCommandSetOnly() {
        assertThat(host.transfer(Sqes.identify(host.cid(), 0x05, 1, 0), 4096).status()).isZero();
        assertThat(host.transfer(Sqes.identify(host.cid(), 0x05, 1, 2), 4096).status())
                .isEqualTo(Status.INVALID_FIELD | Status.DNR);
        assertThat(host.transfer(Sqes.identify(host.cid(), 0x05, 2, 0), 4096).status())
                .as("a namespace the host may not see").isEqualTo(Status.INVALID_NAMESPACE | Status.DNR);
    }

    @Test
    void shouldListActiveNamespacesForTheNvmCommandSet() {
        TestHost.Reply r = host.transfer(Sqes.identify(host.cid(), 0x07, 0, 0), 4096);
        assertThat(r.status()).isZero();
        assertThat(r.data().getIntLE(0)).isEqualTo(1);
        assertThat(r.data().getIntLE(4)).as("NSID 2 is hidden from this host").isZero();
    }

    @Test
    void shouldDescribeTheNamespaceIndependentlyOfTheCommandSet() {
        TestHost.Reply r = host.transfer(Sqes.identify(host.cid(), 0x08, 1, 0), 4096);
        assertThat(r.status()).isZero();
        assertThat(r.data().getByte(0)).as("NSFEAT thin, UIDREUSE (bit 3)").isEqualTo((byte) 0x09);
        assertThat(r.data().getIntLE(4)).as("ANAGRPID").isEqualTo(1);
        assertThat(r.data().getByte(14)).as("NSTAT ready").isEqualTo((byte) 1);
    }

    @Test
    void shouldReturnInvalidFieldForUnknownCns() {
        for (int cns : new int[] {0x04, 0x10, 0x13, 0xFF}) {
            TestHost.Reply r = host.transfer(Sqes.identify(host.cid(), cns, 0), 4096);
            assertThat(r.status()).as("CNS 0x%02x", cns).isEqualTo(Status.INVALID_FIELD | Status.DNR);
        }
    }

    // ---- opcodes ---------------------------------------------------------------------------

    @Test
    void shouldReturnInvalidOpcodeWithDnrForUnknownAdminCommands() {
        for (int opcode : new int[] {0x00, 0x01, 0x04, 0x05, 0x10, 0x80, 0xC0}) {
            ReceivedPdu resp = host.command(Pdus.sqe(opcode, host.cid(), 0), null);
            assertThat(resp.cqeStatus()).as("opcode 0x%02x", opcode).isEqualTo(0x4001);
        }
    }

    @Test
    void shouldAnswerKeepAlive() {
        ReceivedPdu resp = host.command(Pdus.sqe(Opcodes.ADMIN_KEEP_ALIVE, 42, 0), null);
        assertThat(resp.type()).isEqualTo(PduType.CAPSULE_RESP);
        assertThat(resp.cqeStatus()).isZero();
        assertThat(resp.cqeCid()).isEqualTo(42);
    }

    @Test
    void shouldNeverAbortButAnswerAbortSuccessfully() {
        ByteBuf abort = Pdus.sqe(Opcodes.ADMIN_ABORT, host.cid(), 0);
        abort.setIntLE(40, (7 << 16) | 1); // cid 7 on queue 1
        ReceivedPdu resp = host.command(abort, null);
        assertThat(resp.cqeStatus()).isZero();
        assertThat(resp.cqeResult() & 1).as("command not aborted").isEqualTo(1);
    }

    // ---- asynchronous events ---------------------------------------------------------------

    @Test
    void shouldHoldFourAsyncEventRequestsAndRefuseTheFifth() {
        assertThat(sendAers(4)).as("AERs stay pending").isEmpty();
        List<ReceivedPdu> fifth = sendAers(1);
        assertThat(fifth).hasSize(1);
        assertThat(fifth.get(0).cqeStatus()).isEqualTo(Status.ASYNC_LIMIT_EXCEEDED | Status.DNR);
        assertThat(fifth.get(0).cqeCid()).isEqualTo(100);
    }

    @Test
    void shouldCompleteOneAerWhenANamespaceIsAddedAndEventsAreEnabled() {
        assertThat(host.command(Sqes.setFeatures(host.cid(), Features.FID_ASYNC_EVENT_CONFIG, 1 << 8, false), null)
                .cqeStatus()).isZero();
        assertThat(sendAers(4)).isEmpty();
        addNamespace(3);
        List<ReceivedPdu> done = host.drain();
        assertThat(done).hasSize(1);
        assertThat(done.get(0).cqeStatus()).isZero();
        assertThat(done.get(0).cqeCid()).isBetween(100, 103);
        // Notice (type 2), namespace attribute changed (info 0), log page 04h.
        assertThat(done.get(0).cqeResult() & 0xFFFFFFFFL).isEqualTo(0x00040002L);

        TestHost.Reply log = host.transfer(Sqes.getLogPage(host.cid(), 0xFFFFFFFF, LogPages.LID_CHANGED_NS, 0, false,
                0, 4096), 4096);
        assertThat(log.status()).isZero();
        assertThat(log.data().getIntLE(0)).isEqualTo(3);
        assertThat(log.data().getIntLE(4)).isZero();

        TestHost.Reply again = host.transfer(Sqes.getLogPage(host.cid(), 0xFFFFFFFF, LogPages.LID_CHANGED_NS, 0,
                false, 0, 4096), 4096);
        assertThat(again.data().getIntLE(0)).as("the list is cleared by a read with RAE=0").isZero();
    }

    @Test
    void shouldNotCompleteAnAerWhenNamespaceNoticesAreDisabled() {
        assertThat(sendAers(1)).isEmpty();
        addNamespace(3);
        assertThat(host.drain()).isEmpty();
        host.command(Sqes.setFeatures(host.cid(), Features.FID_ASYNC_EVENT_CONFIG, 1 << 8, false), null);
        assertThat(host.drain()).as("a change made while notices were off is not reported later").isEmpty();
    }

    @Test
    void shouldMaskFurtherNoticesUntilTheLogIsRead() {
        host.command(Sqes.setFeatures(host.cid(), Features.FID_ASYNC_EVENT_CONFIG, 1 << 8, false), null);
        assertThat(sendAers(2)).isEmpty();
        addNamespace(3);
        assertThat(host.drain()).hasSize(1);
        addNamespace(4);
        assertThat(host.drain()).as("masked until the host reads log 04h").isEmpty();
        TestHost.Reply log = host.transfer(Sqes.getLogPage(host.cid(), 0xFFFFFFFF, LogPages.LID_CHANGED_NS, 0, false,
                0, 4096), 4096);
        assertThat(log.data().getIntLE(0)).isEqualTo(3);
        assertThat(log.data().getIntLE(4)).isEqualTo(4);
        // The log just read already told the host of NSID 4: no second notice for it.
        assertThat(host.drain()).as("no spurious notice after the read").isEmpty();
        // Reading with RAE=0 unmasked the event: the next change completes the remaining AER.
        addNamespace(5);
        List<ReceivedPdu> after = host.drain();
        assertThat(after).hasSize(1);
        assertThat(after.get(0).cqeResult() & 0xFFFFFFFFL).isEqualTo(0x00040002L);
    }

    @Test
    void shouldKeepTheEventMaskedWhenTheLogIsReadWithRae() {
        host.command(Sqes.setFeatures(host.cid(), Features.FID_ASYNC_EVENT_CONFIG, 1 << 8, false), null);
        assertThat(sendAers(2)).isEmpty();
        addNamespace(3);
        assertThat(host.drain()).hasSize(1);
        TestHost.Reply log = host.transfer(Sqes.getLogPage(host.cid(), 0xFFFFFFFF, LogPages.LID_CHANGED_NS, 0, true,
                0, 4096), 4096);
        assertThat(log.data().getIntLE(0)).isEqualTo(3);
        addNamespace(4);
        assertThat(host.drain()).isEmpty();
        TestHost.Reply retained = host.transfer(Sqes.getLogPage(host.cid(), 0xFFFFFFFF, LogPages.LID_CHANGED_NS, 0,
                false, 0, 4096), 4096);
        assertThat(retained.data().getIntLE(0)).as("RAE kept the list").isEqualTo(3);
        assertThat(retained.data().getIntLE(4)).isEqualTo(4);
    }
}
