package io.basalt.initiator;

import io.basalt.nvme.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the initiator must do against any NVMe/TCP target. Subclasses start a target (Basalt's in
 * this JVM, the Linux kernel's in a guest) and say where it is; the assertions stay the same.
 * The target must export {@link #nsid()} with at least 16 MiB, writable by {@link #hostNqn()}.
 *
 * <p>Where a target legitimately behaves otherwise than Basalt's (the Linux kernel's reports no
 * transfer limit, for one), its subclass overrides that test with the target's own expected
 * behaviour and says why; those tests are {@code protected} for that reason. Nothing is skipped.
 */
public abstract class AbstractInitiatorContractTest {
    protected static final Duration WAIT = Duration.ofSeconds(20);

    protected NvmeTcpInitiator initiator;

    protected abstract InetSocketAddress ioAddress();

    /** Where the discovery controller listens (may equal {@link #ioAddress()}). */
    protected abstract InetSocketAddress discoveryAddress();

    protected abstract String subsystemNqn();

    protected String hostNqn() {
        return "nqn.2014-08.org.nvmexpress:uuid:6a1b5a4e-3b1c-4e0a-9a55-initiatortest";
    }

    protected int nsid() {
        return 1;
    }

    /** Drops every connection of the target and has it listen again with the same data. */
    protected abstract void dropConnectionsAndRestart() throws Exception;

    protected InitiatorConfig.Builder config() {
        return InitiatorConfig.builder().hostNqn(hostNqn()).ioQueues(2).queueDepth(512)
                .commandTimeoutMillis(10_000).reconnectDelayMillis(100).controllerLossTimeoutMillis(15_000);
    }

    @BeforeEach
    void startInitiator() {
        initiator = new NvmeTcpInitiator(config().build());
    }

    @AfterEach
    void stopInitiator() {
        initiator.close();
    }

    protected NvmeController connect(InitiatorConfig settings) {
        return initiator.connect(ioAddress(), subsystemNqn(), settings);
    }

    protected static ByteBuf random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return PooledByteBufAllocator.DEFAULT.directBuffer(length).writeBytes(bytes);
    }

    protected static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Thread.sleep(20);
        }
    }

    protected static <T> T join(CompletableFuture<T> f) {
        return f.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    @Test
    protected void shouldFindTheSubsystemInTheDiscoveryLog() {
        DiscoveryLog log = initiator.discover(discoveryAddress());

        assertThat(log.entries()).anySatisfy(e -> {
            assertThat(e.subnqn()).isEqualTo(subsystemNqn());
            assertThat(e.trtype()).isEqualTo(DiscoveryEntry.TRTYPE_TCP);
            assertThat(e.subtype()).isEqualTo(DiscoveryEntry.SUBTYPE_NVM);
            assertThat(e.port()).isEqualTo(ioAddress().getPort());
        });
    }

    @Test
    void shouldConnectEnableAndIdentify() {
        try (NvmeController c = connect(config().build())) {
            ControllerInfo info = c.info();
            assertThat(info.subnqn()).isEqualTo(subsystemNqn());
            assertThat(info.cntlid()).isEqualTo(c.cntlid());
            assertThat(info.ioccsz()).isGreaterThanOrEqualTo(4);
            assertThat(info.maxcmd()).isPositive();
            assertThat(info.nn()).isPositive();
            assertThat(c.ioQueues()).hasSize(2);
            assertThat(c.activeNamespaces()).contains(nsid());

            NamespaceInfo ns = c.identifyNamespace(nsid());
            assertThat(ns.active()).isTrue();
            assertThat(ns.blockSize()).isIn(512, 4096);
            assertThat(ns.sizeBytes()).isGreaterThanOrEqualTo(16L << 20);
        }
    }

    static Stream<Arguments> sizesAndDigests() {
        List<Arguments> list = new ArrayList<>();
        int[] sizes = {512, 4096, 8192, 16 * 1024, 16 * 1024 + 4096, 128 * 1024, 256 * 1024 + 4096, 1024 * 1024};
        for (int size : sizes) {
            list.add(Arguments.of(size, false, false));
        }
        for (int size : new int[] {4096, 64 * 1024, 1024 * 1024}) {
            list.add(Arguments.of(size, true, false));
            list.add(Arguments.of(size, false, true));
            list.add(Arguments.of(size, true, true));
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} bytes, header digest {1}, data digest {2}")
    @MethodSource("sizesAndDigests")
    void shouldReadBackWhatItWrote(int size, boolean headerDigest, boolean dataDigest) {
        try (NvmeController c = connect(config().headerDigest(headerDigest).dataDigest(dataDigest).build())) {
            NamespaceInfo ns = c.identifyNamespace(nsid());
            int blocks = Math.max(1, size / ns.blockSize());
            int length = blocks * ns.blockSize();
            long lba = 8 * ns.blockSize() == 4096 ? 8 : 16;
            ByteBuf src = random(length, size * 31L + (headerDigest ? 1 : 0) + (dataDigest ? 2 : 0));
            ByteBuf dst = PooledByteBufAllocator.DEFAULT.directBuffer(length);
            try {
                join(c.ioQueue(0).writeAsync(ns, lba, blocks, src));
                join(c.ioQueue(1).readAsync(ns, lba, blocks, dst));

                assertThat(src.readerIndex()).isZero();
                assertThat(dst.readableBytes()).isEqualTo(length);
                assertThat(ByteBufUtil.equals(src, dst)).isTrue();
            } finally {
                src.release();
                dst.release();
            }
        }
    }

    @Test
    void shouldCompleteReadsByTheSuccessFlagWhenSqFlowControlIsDisabled() {
        try (NvmeController c = connect(config().disableSqFlowControl(true).build())) {
            NamespaceInfo ns = c.identifyNamespace(nsid());
            ByteBuf src = random(8 * ns.blockSize(), 7);
            ByteBuf dst = PooledByteBufAllocator.DEFAULT.directBuffer(src.readableBytes());
            try {
                join(c.ioQueue(0).writeAsync(ns, 64, 8, src));
                for (int i = 0; i < 20; i++) {
                    dst.clear();
                    join(c.ioQueue(0).readAsync(ns, 64, 8, dst));
                    assertThat(ByteBufUtil.equals(src, dst)).isTrue();
                }
            } finally {
                src.release();
                dst.release();
            }
        }
    }

    @Test
    void shouldFlush() {
        try (NvmeController c = connect(config().build())) {
            NamespaceInfo ns = c.identifyNamespace(nsid());
            join(c.ioQueue(0).flushAsync(ns));
        }
    }

    @Test
    void shouldReadZeroesAfterWriteZeroes() {
        try (NvmeController c = connect(config().build())) {
            NamespaceInfo ns = c.identifyNamespace(nsid());
            assertThat(c.info().oncs() & ControllerInfo.ONCS_WRITE_ZEROES).isNotZero();
            ByteBuf src = random(16 * ns.blockSize(), 3);
            ByteBuf dst = PooledByteBufAllocator.DEFAULT.directBuffer(src.readableBytes());
            try {
                join(c.ioQueue(0).writeAsync(ns, 128, 16, src));
                join(c.ioQueue(0).writeZeroesAsync(ns, 128, 16, false));
                join(c.ioQueue(0).readAsync(ns, 128, 16, dst));
                assertThat(dst.readableBytes()).isEqualTo(src.readableBytes());
                for (int i = 0; i < dst.readableBytes(); i++) {
                    assertThat(dst.getByte(i)).isZero();
                }
            } finally {
                src.release();
                dst.release();
            }
        }
    }

    @Test
    void shouldDeallocateWithDatasetManagement() {
        try (NvmeController c = connect(config().build())) {
            NamespaceInfo ns = c.identifyNamespace(nsid());
            assertThat(c.info().oncs() & ControllerInfo.ONCS_DSM).isNotZero();
            join(c.ioQueue(0).deallocateAsync(ns, 256, 64));
            CompletableFuture<Void> two = new CompletableFuture<>();
            c.ioQueue(1).deallocate(ns, new long[] {512, 1024}, new int[] {8, 8},
                    (failure, result) -> {
                        if (failure != null) {
                            two.completeExceptionally(failure);
                        } else {
                            two.complete(null);
                        }
                    });
            join(two);
        }
    }

    @Test
    void shouldKeep256CommandsInFlightOnOneQueue() {
        try (NvmeController c = connect(config().build())) {
            NamespaceInfo ns = c.identifyNamespace(nsid());
            int n = 256;
            int bs = ns.blockSize();
            List<ByteBuf> bufs = new ArrayList<>();
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            IoQueue q = c.ioQueue(0);
            for (int i = 0; i < n; i++) {
                ByteBuf b = random(bs, 1000 + i);
                bufs.add(b);
                writes.add(q.writeAsync(ns, 2048 + i, 1, b));
            }
            join(CompletableFuture.allOf(writes.toArray(new CompletableFuture[0])));
            List<ByteBuf> reads = new ArrayList<>();
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(bs);
                reads.add(b);
                futures.add(q.readAsync(ns, 2048 + i, 1, b));
            }
            join(CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])));
            for (int i = 0; i < n; i++) {
                assertThat(ByteBufUtil.equals(bufs.get(i), reads.get(i))).as("block %d", i).isTrue();
            }
            bufs.forEach(ByteBuf::release);
            reads.forEach(ByteBuf::release);
        }
    }

    @Test
    protected void shouldFailWithTheNvmeStatusWhenTheLbaIsOutOfRange() {
        try (NvmeController c = connect(config().build())) {
            NamespaceInfo ns = c.identifyNamespace(nsid());
            ByteBuf dst = PooledByteBufAllocator.DEFAULT.directBuffer(ns.blockSize());
            try {
                assertThatThrownBy(() -> join(c.ioQueue(0).readAsync(ns, ns.size(), 1, dst)))
                        .isInstanceOf(CompletionException.class)
                        .cause().isInstanceOfSatisfying(NvmeStatusException.class, e -> {
                            assertThat(e.status() & 0x7FF).isEqualTo(Status.LBA_OUT_OF_RANGE);
                            assertThat(e.statusName()).startsWith("LBA_OUT_OF_RANGE");
                            assertThat(e.getMessage()).contains("Read", "LBA_OUT_OF_RANGE");
                        });
                assertThat(dst.writerIndex()).isZero();
                // the queue is still usable
                join(c.ioQueue(0).readAsync(ns, 0, 1, dst));
            } finally {
                dst.release();
            }
        }
    }

    @Test
    protected void shouldRefuseATransferLargerThanMdts() {
        try (NvmeController c = connect(config().build())) {
            NamespaceInfo ns = c.identifyNamespace(nsid());
            assertThat(c.info().mdts()).as("MDTS: this target limits transfers").isPositive();
            int tooMany = c.info().maxTransferSize() / ns.blockSize() + 1;
            ByteBuf dst = PooledByteBufAllocator.DEFAULT.directBuffer(1);
            try {
                assertThatThrownBy(() -> c.ioQueue(0).read(ns, 0, tooMany, dst, (f, r) -> { }))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("maximum transfer size");
            } finally {
                dst.release();
            }
        }
    }

    /**
     * A target that enforces KATO (the Linux kernel's does) ends a controller that hears nothing for
     * that long; the keep-alives sent every KATO/2 must keep an idle one alive, without a reconnection.
     */
    @Test
    void shouldKeepAnIdleControllerAliveWithKeepAlives() throws Exception {
        int kato = 2000;
        try (NvmeController c = connect(config().keepAliveMillis(kato).build())) {
            NamespaceInfo ns = c.identifyNamespace(nsid());
            int before = c.generation();

            Thread.sleep(kato * 2L + kato / 4);

            assertThat(c.isLive()).isTrue();
            assertThat(c.generation()).as("reconnections while idle").isEqualTo(before);
            ByteBuf dst = PooledByteBufAllocator.DEFAULT.directBuffer(ns.blockSize());
            try {
                join(c.ioQueue(0).readAsync(ns, 0, 1, dst));
            } finally {
                dst.release();
            }
        }
    }

    @Test
    void shouldReconnectAfterTheTargetDropsTheConnections() throws Exception {
        try (NvmeController c = connect(config().build())) {
            NamespaceInfo ns = c.identifyNamespace(nsid());
            ByteBuf src = random(4096, 11);
            ByteBuf dst = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
            int blocks = 4096 / ns.blockSize();
            try {
                join(c.ioQueue(0).writeAsync(ns, 4096, blocks, src));
                int before = c.generation();

                dropConnectionsAndRestart();

                waitUntil(() -> c.generation() > before && c.isLive());
                join(c.ioQueue(0).readAsync(ns, 4096, blocks, dst));
                assertThat(ByteBufUtil.equals(src, dst)).isTrue();
                assertThat(c.cntlid()).isEqualTo(c.info().cntlid());
            } finally {
                src.release();
                dst.release();
            }
        }
    }

    @Test
    void shouldFailCommandsWithATransportErrorWhileTheConnectionIsDown() throws Exception {
        try (NvmeController c = connect(config().controllerLossTimeoutMillis(0).build())) {
            NamespaceInfo ns = c.identifyNamespace(nsid());

            dropConnectionsAndRestart();

            waitUntil(c::isFailed);
            // The controller fails first; its queues' connections close just after, on their loops.
            waitUntil(() -> c.ioQueue(0).connection() == null || !c.ioQueue(0).connection().isReady());
            ByteBuf dst = PooledByteBufAllocator.DEFAULT.directBuffer(ns.blockSize());
            try {
                assertThatThrownBy(() -> join(c.ioQueue(0).readAsync(ns, 0, 1, dst)))
                        .cause().isInstanceOf(NvmeTransportException.class).hasMessageContaining("not connected");
            } finally {
                dst.release();
            }
        }
    }
}
