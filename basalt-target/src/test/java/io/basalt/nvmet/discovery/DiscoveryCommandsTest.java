package io.basalt.nvmet.discovery;

import io.basalt.block.testing.MemoryBlockStore;
import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.basalt.nvmet.admin.Features;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.controller.PortInfo;
import io.basalt.volume.HostAccess;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.subsystem.PathAddress;
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

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class DiscoveryCommandsTest {
    private static final int LID_DISCOVERY = 0x70;
    private static final PortInfo DISCOVERY_PORT = new PortInfo(true, new InetSocketAddress("127.0.0.1", 4420), 2);

    private ControllerRegistry registry;
    private TestHost host;

    @BeforeEach
    void setUp() {
        registry = Fixtures.registry();
    }

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
    }

    private int connect(String hostNqn) {
        return connect(new TestHost(registry), hostNqn);
    }

    private int connect(TestHost h, String hostNqn) {
        host = h;
        return host.connectAndEnable(Subsystem.DISCOVERY_NQN, hostNqn);
    }

    private TestHost.Reply log(long lpo, int length) {
        return host.transfer(Sqes.getLogPage(host.cid(), 0, LID_DISCOVERY, 0, false, lpo, length), length);
    }

    private ByteBuf page(long lpo, int length) {
        TestHost.Reply r = log(lpo, length);
        assertThat(r.status()).as(Status.describe(r.status())).isZero();
        assertThat(r.data().readableBytes()).isEqualTo(length);
        return r.data();
    }

    private static String ascii(ByteBuf b, int offset, int length) {
        return b.toString(offset, length, StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(ByteBuf b, int offset, int length) {
        byte[] out = new byte[length];
        b.getBytes(offset, out);
        return out;
    }

    // ---- Connect and Identify --------------------------------------------------------------

    @Test
    void shouldLetAnyHostConnectToDiscovery() {
        connect(Fixtures.STRANGER);
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void shouldAcceptAKeepAliveTimeoutOnDiscoveryConnect() {
        host = new TestHost(registry);
        host.initialize(false, false);
        ReceivedPdu resp = host.connect(0, 31, 0xFFFF, Subsystem.DISCOVERY_NQN, Fixtures.HOST, 120_000, 0);
        assertThat(resp.cqeStatus()).isZero();
        assertThat(registry.get((int) resp.cqeResult() & 0xFFFF).katoMillis()).isEqualTo(120_000);
    }

    @Test
    void shouldIdentifyAsADiscoveryController() {
        connect(Fixtures.HOST);
        TestHost.Reply r = host.transfer(Sqes.identify(host.cid(), 0x01, 0), 4096);
        assertThat(r.status()).isZero();
        ByteBuf id = r.data();
        assertThat((int) id.getUnsignedByte(111)).as("cntrltype").isEqualTo(2);
        assertThat(ascii(id, 768, Subsystem.DISCOVERY_NQN.length())).isEqualTo(Subsystem.DISCOVERY_NQN);
        assertThat(id.getByte(768 + Subsystem.DISCOVERY_NQN.length())).isZero();
        assertThat(id.getIntLE(516)).as("nn: no namespaces").isZero();
        assertThat((int) id.getUnsignedByte(76)).as("cmic").isZero();
        assertThat(id.getIntLE(92)).as("oaes: a lone brick offers no discovery notices").isZero();
    }

    @Test
    void shouldRefuseOtherIdentifyCns() {
        connect(Fixtures.HOST);
        assertThat(host.transfer(Sqes.identify(host.cid(), 0x00, 1), 4096).status())
                .isEqualTo(Status.INVALID_FIELD | Status.DNR);
        assertThat(host.transfer(Sqes.identify(host.cid(), 0x02, 0), 4096).status())
                .isEqualTo(Status.INVALID_FIELD | Status.DNR);
    }

    @Test
    void shouldRefuseAnIoQueueOnADiscoveryController() {
        int cntlid = connect(Fixtures.HOST);
        try (TestHost io = new TestHost(registry)) {
            io.initialize(false, false);
            ReceivedPdu resp = io.connect(1, 31, cntlid, Subsystem.DISCOVERY_NQN, Fixtures.HOST, 0, 0);
            assertThat(resp.cqeStatus()).isEqualTo(Status.CONNECT_INVALID_PARAMETERS | Status.DNR);
            assertThat(resp.cqeResult() & 0xFFFFFFFFL).isEqualTo(42);
        }
    }

    @Test
    void shouldRefuseCommandsADiscoveryControllerDoesNotOffer() {
        connect(Fixtures.HOST);
        ReceivedPdu resp = host.command(Pdus.sqe(Opcodes.ADMIN_ABORT, host.cid(), 0), null);
        assertThat(resp.cqeStatus()).isEqualTo(Status.INVALID_OPCODE | Status.DNR);
    }

    @Test
    void shouldAnswerKeepAlive() {
        connect(Fixtures.HOST);
        assertThat(host.command(Pdus.sqe(Opcodes.ADMIN_KEEP_ALIVE, host.cid(), 0), null).cqeStatus()).isZero();
    }

    // ---- discovery log page ----------------------------------------------------------------

    @Test
    void shouldListTheSubsystemForAnAdmittedHost() {
        connect(Fixtures.HOST);
        ByteBuf log = page(0, 2048);
        assertThat(log.getLongLE(0)).as("genctr").isPositive();
        assertThat(log.getLongLE(8)).as("numrec").isEqualTo(1);
        assertThat(log.getUnsignedShortLE(16)).as("recfmt").isZero();
        int e = 1024;
        assertThat((int) log.getUnsignedByte(e)).as("trtype TCP").isEqualTo(3);
        assertThat((int) log.getUnsignedByte(e + 1)).as("adrfam IPv4").isEqualTo(1);
        assertThat((int) log.getUnsignedByte(e + 2)).as("subtype NVM").isEqualTo(2);
        assertThat((int) log.getUnsignedByte(e + 3)).as("treq: SQ flow control disable").isEqualTo(0x04);
        assertThat(log.getUnsignedShortLE(e + 4)).as("portid").isEqualTo(1);
        assertThat(log.getUnsignedShortLE(e + 6)).as("cntlid: dynamic").isEqualTo(0xFFFF);
        assertThat(log.getUnsignedShortLE(e + 8)).as("asqsz").isEqualTo(32);
        assertThat(ascii(log, e + 32, 32)).as("trsvcid").isEqualTo("4420" + " ".repeat(28));
        assertThat(ascii(log, e + 256, Fixtures.SUBNQN.length())).isEqualTo(Fixtures.SUBNQN);
        assertThat(log.getByte(e + 256 + Fixtures.SUBNQN.length())).isZero();
        assertThat(ascii(log, e + 512, 256).stripTrailing()).as("traddr").isEqualTo("127.0.0.1");
    }

    @Test
    void shouldListTheSubsystemForAnAnonymousHostOnlyWhenANamespaceIsOpenToAnyHost() {
        connect("");
        assertThat(page(0, 2048).getLongLE(8)).as("numrec, nothing open to any host").isZero();

        registry.subsystem().addNamespace(new Namespace(new Volume(3, "open", UUID.randomUUID(),
                new MemoryBlockStore(1 << 20, 512), HostAccess.any())));

        ByteBuf log = page(0, 2048);
        assertThat(log.getLongLE(8)).as("numrec").isEqualTo(1);
        assertThat(ascii(log, 1024 + 256, Fixtures.SUBNQN.length())).isEqualTo(Fixtures.SUBNQN);
    }

    @Test
    void shouldListNothingForAHostThatMaySeeNoNamespace() {
        connect(Fixtures.STRANGER);
        ByteBuf log = page(0, 2048);
        assertThat(log.getLongLE(8)).as("numrec").isZero();
        assertThat(bytes(log, 1024, 1024)).containsOnly(0);
    }

    @Test
    void shouldReturnTheHeaderAloneAndThenTheEntryAlone() {
        connect(Fixtures.HOST);
        ByteBuf whole = page(0, 2048);
        ByteBuf header = page(0, 1024);
        ByteBuf entry = page(1024, 1024);
        assertThat(bytes(header, 0, 1024)).containsExactly(bytes(whole, 0, 1024));
        assertThat(bytes(entry, 0, 1024)).containsExactly(bytes(whole, 1024, 1024));
        assertThat((int) entry.getUnsignedByte(0)).isEqualTo(3);
    }

    @Test
    void shouldReturnZerosPastTheLastEntry() {
        connect(Fixtures.HOST);
        assertThat(bytes(page(2048, 4096), 0, 4096)).containsOnly(0);
    }

    @Test
    void shouldBumpTheGenerationWhenNamespacesChange() {
        connect(Fixtures.HOST);
        long before = page(0, 1024).getLongLE(0);
        registry.subsystem().addNamespace(new Namespace(new Volume(3, "three", UUID.nameUUIDFromBytes(new byte[] {3}),
                new MemoryBlockStore(Fixtures.BLOCKS * Fixtures.BLOCK, Fixtures.BLOCK), HostAccess.any())));
        assertThat(page(0, 1024).getLongLE(0)).isGreaterThan(before);
    }

    // ---- the other paths of the subsystem ---------------------------------------------------

    @Test
    void shouldListThisPortThenEveryPeerPathOfTheSubsystem() {
        registry = Fixtures.clusterRegistry();
        registry.subsystem().setPeerPaths(List.of(new PathAddress("127.0.0.2", 4421, 8),
                new PathAddress("fd00::3", 4422, 9)));
        // The target builds each connection's port from its TargetConfig (portId 7 here).
        connect(new TestHost(registry, new PortInfo(false, new InetSocketAddress("127.0.0.1", 4420),
                Fixtures.CLUSTER_PORT_ID)), Fixtures.HOST);
        ByteBuf log = page(0, 4 * 1024);
        assertThat(log.getLongLE(8)).as("numrec").isEqualTo(3);
        int[] ports = {4420, 4421, 4422};
        int[] portIds = {Fixtures.CLUSTER_PORT_ID, 8, 9};
        String[] addresses = {"127.0.0.1", "127.0.0.2", "fd00::3"};
        int[] families = {1, 1, 2};
        for (int i = 0; i < 3; i++) {
            int e = 1024 * (i + 1);
            assertThat((int) log.getUnsignedByte(e)).as("trtype TCP").isEqualTo(3);
            assertThat((int) log.getUnsignedByte(e + 1)).as("adrfam of entry %d", i).isEqualTo(families[i]);
            assertThat((int) log.getUnsignedByte(e + 2)).as("subtype NVM").isEqualTo(2);
            assertThat((int) log.getUnsignedByte(e + 3)).as("treq").isEqualTo(0x04);
            assertThat(log.getUnsignedShortLE(e + 4)).as("portid of entry %d", i).isEqualTo(portIds[i]);
            assertThat(log.getUnsignedShortLE(e + 6)).as("cntlid: dynamic").isEqualTo(0xFFFF);
            assertThat(log.getUnsignedShortLE(e + 8)).as("asqsz").isEqualTo(32);
            assertThat(ascii(log, e + 32, 32).stripTrailing()).as("trsvcid").isEqualTo(Integer.toString(ports[i]));
            assertThat(ascii(log, e + 256, Fixtures.SUBNQN.length() + 1)).as("one subsystem NQN for every path")
                    .isEqualTo(Fixtures.SUBNQN + "\0");
            assertThat(ascii(log, e + 512, 256).stripTrailing()).as("traddr").isEqualTo(addresses[i]);
        }
        assertThat(bytes(page(4 * 1024, 1024), 0, 1024)).as("nothing past the third entry").containsOnly(0);
    }

    @Test
    void shouldNameThisPortByItsAdvertisedAddressWhenOneIsSet() {
        registry = Fixtures.clusterRegistry();
        connect(new TestHost(registry, new PortInfo(false, new InetSocketAddress("127.0.0.1", 4420),
                Fixtures.CLUSTER_PORT_ID)), Fixtures.HOST);
        long before = page(0, 1024).getLongLE(0);
        // Bound to loopback, reached by hosts at another address (a VM's view of its host, NAT).
        registry.subsystem().setOwnPath(new PathAddress("10.0.2.2", 4420, Fixtures.CLUSTER_PORT_ID));
        ByteBuf log = page(0, 2 * 1024);
        assertThat(log.getLongLE(0)).as("generation").isGreaterThan(before);
        assertThat(log.getLongLE(8)).as("numrec").isEqualTo(1);
        assertThat(ascii(log, 1024 + 512, 256).stripTrailing()).as("traddr").isEqualTo("10.0.2.2");
        assertThat(ascii(log, 1024 + 32, 32).stripTrailing()).as("trsvcid").isEqualTo("4420");
    }

    @Test
    void shouldBumpTheGenerationOnlyWhenThePeerPathsChange() {
        connect(Fixtures.HOST);
        long before = page(0, 1024).getLongLE(0);
        List<PathAddress> peers = List.of(new PathAddress("127.0.0.2", 4420, 2));
        registry.subsystem().setPeerPaths(peers);
        long after = page(0, 1024).getLongLE(0);
        assertThat(after).isGreaterThan(before);
        registry.subsystem().setPeerPaths(List.copyOf(peers));
        assertThat(page(0, 1024).getLongLE(0)).as("the same list again").isEqualTo(after);
        registry.subsystem().setPeerPaths(List.of());
        ByteBuf log = page(0, 2048);
        assertThat(log.getLongLE(0)).isGreaterThan(after);
        assertThat(log.getLongLE(8)).as("numrec").isEqualTo(1);
    }

    @Test
    void shouldListNoPeerPathsToAHostThatMaySeeNoNamespace() {
        registry.subsystem().setPeerPaths(List.of(new PathAddress("127.0.0.2", 4420, 2)));
        connect(Fixtures.STRANGER);
        assertThat(page(0, 1024).getLongLE(8)).as("numrec").isZero();
    }

    private int setAec(int value) {
        return host.command(Sqes.setFeatures(host.cid(), Features.FID_ASYNC_EVENT_CONFIG, value, false), null)
                .cqeStatus();
    }

    private long getAec() {
        return host.command(Sqes.getFeatures(host.cid(), Features.FID_ASYNC_EVENT_CONFIG, 0), null).cqeResult()
                & 0xFFFFFFFFL;
    }

    private List<ReceivedPdu> sendAer() {
        host.send(Pdus.capsule(Pdus.sqe(Opcodes.ADMIN_ASYNC_EVENT_REQUEST, 100, 0), null, false, false));
        return host.drain();
    }

    @Test
    void shouldNotifyAPersistentDiscoveryHostWhenThePeerPathsChange() {
        registry = Fixtures.clusterRegistry();
        connect(Fixtures.HOST);
        ByteBuf id = host.transfer(Sqes.identify(host.cid(), 0x01, 0), 4096).data();
        assertThat(id.getIntLE(92)).as("oaes: discovery log page change").isEqualTo(1 << 31);
        assertThat(setAec(1 << 31)).isZero();
        assertThat(getAec()).isEqualTo(1L << 31);
        assertThat(sendAer()).isEmpty();

        registry.subsystem().setPeerPaths(List.of(new PathAddress("127.0.0.2", 4420, 2)));
        List<ReceivedPdu> done = host.drain();
        assertThat(done).hasSize(1);
        assertThat(done.get(0).cqeStatus()).isZero();
        // Notice (type 2), discovery log page change (info F0h), log page 70h: what udev's
        // nvmf-autoconnect rule matches (NVME_AEN=0x70f002).
        assertThat(done.get(0).cqeResult() & 0xFFFFFFFFL).isEqualTo(0x0070F002L);

        assertThat(sendAer()).isEmpty();
        registry.subsystem().setPeerPaths(List.of());
        assertThat(host.drain()).as("masked until the host reads the log").isEmpty();
        page(0, 1024);
        registry.subsystem().setPeerPaths(List.of(new PathAddress("127.0.0.3", 4420, 3)));
        assertThat(host.drain()).as("unmasked by the read").hasSize(1);
    }

    @Test
    void shouldNotOfferDiscoveryNoticesOnALoneBrick() {
        connect(Fixtures.HOST);
        assertThat(setAec(0xFFFFFFFF)).isZero();
        assertThat(getAec()).as("as before: bit 31 is not kept").isEqualTo((1L << 8) | (1L << 11));
        assertThat(sendAer()).isEmpty();
        registry.subsystem().setPeerPaths(List.of(new PathAddress("127.0.0.2", 4420, 2)));
        assertThat(host.drain()).isEmpty();
    }

    @Test
    void shouldRefuseOtherLogPages() {
        connect(Fixtures.HOST);
        TestHost.Reply r = host.transfer(Sqes.getLogPage(host.cid(), 0, 0x02, 0, false, 0, 512), 512);
        assertThat(r.status()).isEqualTo(Status.INVALID_FIELD | Status.DNR);
    }

    @Test
    void shouldRefuseAnUnalignedLogOffset() {
        connect(Fixtures.HOST);
        assertThat(log(1026, 1024).status()).isEqualTo(Status.INVALID_FIELD | Status.DNR);
    }

    // ---- ports -----------------------------------------------------------------------------

    @Test
    void shouldRefuseTheNvmSubsystemOnADiscoveryOnlyPort() {
        host = new TestHost(registry, DISCOVERY_PORT);
        host.initialize(false, false);
        ReceivedPdu resp = host.connect(0, 31, 0xFFFF, Fixtures.SUBNQN, Fixtures.HOST, 0, 0);
        assertThat(resp.cqeStatus()).isEqualTo(Status.CONNECT_INVALID_PARAMETERS | Status.DNR);
        assertThat(resp.cqeResult() & 0xFFFFFFFFL).isEqualTo((1L << 16) | 256);
        assertThat(registry.size()).isZero();
    }

    @Test
    void shouldServeDiscoveryOnADiscoveryOnlyPort() {
        connect(new TestHost(registry, DISCOVERY_PORT), Fixtures.HOST);
        ByteBuf log = page(0, 2048);
        assertThat(log.getLongLE(8)).isEqualTo(1);
        assertThat(ascii(log, 1024 + 32, 32).strip()).as("the I/O port, not the discovery port").isEqualTo("4420");
    }

    @Test
    void shouldAdvertiseTheAddressTheHostReachedInsteadOfAWildcard() {
        PortInfo wildcard = new PortInfo(false, new InetSocketAddress("0.0.0.0", 4420), 1);
        connect(new TestHost(registry, wildcard, new InetSocketAddress("192.0.2.7", 4420)), Fixtures.HOST);
        ByteBuf log = page(0, 2048);
        assertThat(ascii(log, 1024 + 512, 256).stripTrailing()).isEqualTo("192.0.2.7");
        assertThat(ascii(log, 1024 + 32, 32).strip()).isEqualTo("4420");
        assertThat((int) log.getUnsignedByte(1024 + 1)).isEqualTo(1);
    }

    @Test
    void shouldAdvertiseAnIpv6AddressWithItsFamily() {
        PortInfo wildcard = new PortInfo(false, new InetSocketAddress("::", 4420), 1);
        connect(new TestHost(registry, wildcard, new InetSocketAddress("2001:db8::7", 4420)), Fixtures.HOST);
        ByteBuf log = page(0, 2048);
        assertThat((int) log.getUnsignedByte(1024 + 1)).as("adrfam IPv6").isEqualTo(2);
        assertThat(ascii(log, 1024 + 512, 256).stripTrailing()).isEqualTo("2001:db8:0:0:0:0:0:7");
    }

    @Test
    void shouldAdvertiseAConfiguredAddressAsIs() {
        PortInfo fixed = new PortInfo(false, new InetSocketAddress("198.51.100.4", 4421), 1);
        connect(new TestHost(registry, fixed, new InetSocketAddress("192.0.2.7", 8009)), Fixtures.HOST);
        ByteBuf log = page(0, 2048);
        assertThat(ascii(log, 1024 + 512, 256).stripTrailing()).isEqualTo("198.51.100.4");
        assertThat(ascii(log, 1024 + 32, 32).strip()).isEqualTo("4421");
    }
}
