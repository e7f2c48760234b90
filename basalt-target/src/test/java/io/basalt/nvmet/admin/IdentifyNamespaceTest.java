package io.basalt.nvmet.admin;

import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;
import io.basalt.block.testing.MemoryBlockStore;
import io.basalt.nvme.Status;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.Sqes;
import io.basalt.nvmet.testing.TestHost;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class IdentifyNamespaceTest {
    private static final int CNS_NAMESPACE = 0x00;
    private static final int CNS_ACTIVE_NS_LIST = 0x02;
    private static final int CNS_NS_DESCRIPTORS = 0x03;

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

    private TestHost.Reply identify(TestHost h, int cns, int nsid) {
        return h.transfer(Sqes.identify(h.cid(), cns, nsid), 4096);
    }

    private static byte[] uuidBytes(int seed) {
        UUID u = UUID.nameUUIDFromBytes(new byte[] {(byte) seed});
        return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits())
                .array();
    }

    private static byte[] bytes(ByteBuf b, int offset, int length) {
        byte[] out = new byte[length];
        b.getBytes(offset, out);
        return out;
    }

    private static void assertAllZero(ByteBuf b) {
        assertThat(bytes(b, 0, b.readableBytes())).containsOnly(0);
    }

    // ---- CNS 00h ---------------------------------------------------------------------------

    @Test
    void shouldDescribeAVisibleNamespace() {
        TestHost.Reply r = identify(host, CNS_NAMESPACE, 1);
        assertThat(r.status()).isZero();
        ByteBuf ns = r.data();
        assertThat(ns.readableBytes()).isEqualTo(4096);
        assertThat(ns.getLongLE(0)).as("nsze").isEqualTo(Fixtures.BLOCKS);
        assertThat(ns.getLongLE(8)).as("ncap").isEqualTo(Fixtures.BLOCKS);
        assertThat(ns.getLongLE(16)).as("nuse").isBetween(0L, Fixtures.BLOCKS);
        assertThat((int) ns.getUnsignedByte(25)).as("nlbaf, 0's based").isZero();
        assertThat((int) ns.getUnsignedByte(26)).as("flbas").isZero();
        assertThat((int) ns.getUnsignedByte(30)).as("nmic: shared").isEqualTo(1);
        assertThat(ns.getIntLE(92)).as("anagrpid").isEqualTo(1);
        assertThat((int) ns.getUnsignedByte(99)).as("nsattr: writable").isZero();
        assertThat((int) ns.getUnsignedByte(128 + 2)).as("lbaf0 lbads: 2^9 = 512").isEqualTo(9);
        assertThat(ns.getUnsignedShortLE(128)).as("lbaf0 ms: no metadata").isZero();
    }

    @Test
    void shouldMarkAReadOnlyStoreWriteProtected() {
        registry.subsystem().addNamespace(new io.basalt.nvmet.subsystem.Namespace(new io.basalt.volume.Volume(3, "snap",
                UUID.nameUUIDFromBytes(new byte[] {3}), new ReadOnly(), io.basalt.volume.HostAccess.any())));

        assertThat((int) identify(host, CNS_NAMESPACE, 3).data().getUnsignedByte(99)).as("nsattr bit 0")
                .isEqualTo(1);
        assertThat((int) identify(host, CNS_NAMESPACE, 1).data().getUnsignedByte(99)).isZero();
    }

    @Test
    void shouldUseTheUuidAsNguid() {
        ByteBuf ns = identify(host, CNS_NAMESPACE, 1).data();
        assertThat(bytes(ns, 104, 16)).containsExactly(uuidBytes(1));
    }

    @Test
    void shouldPromiseNguidAndEui64AreNeverReused() {
        ByteBuf ns = identify(host, CNS_NAMESPACE, 1).data();
        // NSFEAT bit 3 (UIDREUSE): a volume's NGUID is its random UUID, never given to another.
        assertThat(ns.getUnsignedByte(24) & 0x08).as("nsfeat uidreuse").isEqualTo(0x08);
        assertThat(ns.getUnsignedByte(24) & 0x01).as("nsfeat thin provisioning").isEqualTo(0x01);
    }

    @Test
    void shouldReportDeallocatedBlocksAsReadingZeros() {
        ByteBuf ns = identify(host, CNS_NAMESPACE, 1).data();
        assertThat(ns.getUnsignedByte(33) & 0x7).as("dlfeat read behaviour").isEqualTo(1);
    }

    @Test
    void shouldReturnZerosForANamespaceTheHostMayNotSee() {
        TestHost.Reply r = identify(host, CNS_NAMESPACE, 2);
        assertThat(r.status()).isZero();
        assertThat(r.data().readableBytes()).isEqualTo(4096);
        assertAllZero(r.data());
    }

    @Test
    void shouldReturnZerosForAnUnallocatedNsidWithinNn() {
        TestHost.Reply r = identify(host, CNS_NAMESPACE, 1024);
        assertThat(r.status()).isZero();
        assertAllZero(r.data());
    }

    @Test
    void shouldRefuseNsidZero() {
        TestHost.Reply r = identify(host, CNS_NAMESPACE, 0);
        assertThat(r.status()).isEqualTo(Status.INVALID_NAMESPACE | Status.DNR);
        assertThat(r.data().readableBytes()).isZero();
    }

    @Test
    void shouldRefuseAnNsidAboveNn() {
        assertThat(identify(host, CNS_NAMESPACE, 1025).status()).isEqualTo(Status.INVALID_NAMESPACE | Status.DNR);
    }

    // ---- CNS 02h ---------------------------------------------------------------------------

    @Test
    void shouldListOnlyTheNamespacesTheHostMaySee() {
        TestHost.Reply r = identify(host, CNS_ACTIVE_NS_LIST, 0);
        assertThat(r.status()).isZero();
        assertThat(r.data().getIntLE(0)).isEqualTo(1);
        assertAllZero(r.data().slice(4, 4092));
    }

    @Test
    void shouldListTheOtherHostsNamespaceForIt() {
        try (TestHost other = new TestHost(registry)) {
            other.connectAndEnable(Fixtures.SUBNQN, Fixtures.OTHER);
            TestHost.Reply r = identify(other, CNS_ACTIVE_NS_LIST, 0);
            assertThat(r.status()).isZero();
            assertThat(r.data().getIntLE(0)).isEqualTo(2);
            assertAllZero(r.data().slice(4, 4092));
        }
    }

    @Test
    void shouldListOnlyNsidsAboveTheGivenOne() {
        TestHost.Reply r = identify(host, CNS_ACTIVE_NS_LIST, 1);
        assertThat(r.status()).isZero();
        assertAllZero(r.data());
    }

    @Test
    void shouldRefuseTheBroadcastNsidForTheActiveList() {
        assertThat(identify(host, CNS_ACTIVE_NS_LIST, 0xFFFFFFFF).status())
                .isEqualTo(Status.INVALID_NAMESPACE | Status.DNR);
    }

    // ---- CNS 03h ---------------------------------------------------------------------------

    @Test
    void shouldDescribeNguidUuidAndCommandSet() {
        TestHost.Reply r = identify(host, CNS_NS_DESCRIPTORS, 1);
        assertThat(r.status()).isZero();
        ByteBuf d = r.data();
        byte[] uuid = uuidBytes(1);
        assertThat((int) d.getUnsignedByte(0)).as("NIDT NGUID").isEqualTo(2);
        assertThat((int) d.getUnsignedByte(1)).as("NIDL").isEqualTo(16);
        assertThat(bytes(d, 4, 16)).containsExactly(uuid);
        assertThat((int) d.getUnsignedByte(20)).as("NIDT UUID").isEqualTo(3);
        assertThat((int) d.getUnsignedByte(21)).isEqualTo(16);
        assertThat(bytes(d, 24, 16)).containsExactly(uuid);
        assertThat((int) d.getUnsignedByte(40)).as("NIDT CSI").isEqualTo(4);
        assertThat((int) d.getUnsignedByte(41)).isEqualTo(1);
        assertThat((int) d.getUnsignedByte(44)).as("CSI NVM").isZero();
        assertThat((int) d.getUnsignedByte(45)).as("list terminator").isZero();
        assertAllZero(d.slice(45, 4096 - 45));
    }

    @Test
    void shouldRefuseDescriptorsOfANamespaceTheHostMayNotSee() {
        TestHost.Reply r = identify(host, CNS_NS_DESCRIPTORS, 2);
        assertThat(r.status()).isEqualTo(Status.INVALID_NAMESPACE | Status.DNR);
        assertThat(r.data().readableBytes()).isZero();
    }

    /** A store that says it is read-only, as a snapshot's is. */
    private static final class ReadOnly implements BlockStore {
        private final MemoryBlockStore memory = new MemoryBlockStore(1 << 20, 512);

        @Override
        public long capacityBytes() {
            return memory.capacityBytes();
        }

        @Override
        public int blockSize() {
            return memory.blockSize();
        }

        @Override
        public boolean volatileWriteCache() {
            return false;
        }

        @Override
        public void submit(BlockIo io) {
            memory.submit(io);
        }

        @Override
        public long allocatedBytes() {
            return 0;
        }

        @Override
        public boolean isReadOnly() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
