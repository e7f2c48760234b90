package io.basalt.initiator.multipath;

import io.basalt.initiator.InitiatorConfig;
import io.basalt.initiator.NamespaceInfo;
import io.basalt.initiator.NvmeException;
import io.basalt.initiator.NvmeStatusException;
import io.basalt.initiator.NvmeTcpInitiator;
import io.basalt.initiator.testing.TwoBrickCluster;
import io.basalt.nvme.Status;
import io.basalt.nvme.admin.AnaGroupDescriptor;
import io.basalt.nvmet.subsystem.AnaState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Multipath over two bricks of one subsystem on loopback ({@link TwoBrickCluster}): where I/O
 * goes, and that ANA flips and a dead brick cost the caller time but never an error.
 */
class MultipathControllerTest {
    private static final long DEADLINE_MS = 10_000;

    private TwoBrickCluster cluster;
    private final NvmeTcpInitiator host = new NvmeTcpInitiator(InitiatorConfig.builder()
            .hostNqn("nqn.2014-08.org.example:multipath-host").ioQueues(2).queueDepth(16).keepAliveMillis(0)
            .connectTimeoutMillis(5000).commandTimeoutMillis(5000).controllerLossTimeoutMillis(0).build());

    @AfterEach
    void stop() {
        host.close();
        if (cluster != null) {
            cluster.close();
        }
    }

    private MultipathController connect(AnaState first, AnaState second, MultipathSettings settings)
            throws InterruptedException {
        cluster = new TwoBrickCluster(first, second);
        return MultipathController.connect(host, List.of(cluster.address(0), cluster.address(1)),
                TwoBrickCluster.SUBNQN, settings);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + DEADLINE_MS + " ms: " + what);
            }
            Thread.sleep(1);
        }
    }

    private static ByteBuf stamped(long lba) {
        ByteBuf b = Unpooled.buffer(TwoBrickCluster.BLOCK);
        for (int i = 0; i < TwoBrickCluster.BLOCK / 8; i++) {
            b.writeLong(lba * 1_000_003 + i);
        }
        return b;
    }

    private static CompletableFuture<Void> write(MultipathQueue q, NamespaceInfo ns, long lba) {
        return write(q, ns, lba, 1);
    }

    private static CompletableFuture<Void> write(MultipathQueue q, NamespaceInfo ns, long lba, int blocks) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        q.write(ns, lba, blocks, stamped(lba), (failure, result) -> complete(f, failure));
        return f;
    }

    private static CompletableFuture<Void> readAndCheck(MultipathQueue q, NamespaceInfo ns, long lba) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        ByteBuf dst = Unpooled.buffer(TwoBrickCluster.BLOCK);
        q.read(ns, lba, 1, dst, (failure, result) -> {
            if (failure == null && !dst.equals(stamped(lba))) {
                f.completeExceptionally(new AssertionError("LBA " + lba + " does not hold what was written"));
            } else {
                complete(f, failure);
            }
        });
        return f;
    }

    private static void complete(CompletableFuture<Void> f, NvmeException failure) {
        if (failure != null) {
            f.completeExceptionally(failure);
        } else {
            f.complete(null);
        }
    }

    @Test
    void shouldSendEveryIoToThePathWhereTheNamespaceIsOptimized() throws Exception {
        try (MultipathController m = connect(AnaState.INACCESSIBLE, AnaState.OPTIMIZED,
                MultipathSettings.defaults())) {
            assertThat(m.anaState(0, 1)).isEqualTo(AnaGroupDescriptor.STATE_INACCESSIBLE);
            assertThat(m.anaState(1, 1)).isEqualTo(AnaGroupDescriptor.STATE_OPTIMIZED);
            NamespaceInfo ns = m.identifyNamespace(1);
            for (int lba = 0; lba < 50; lba++) {
                write(m.ioQueue(lba % 2), ns, lba).get(5, TimeUnit.SECONDS);
                readAndCheck(m.ioQueue(lba % 2), ns, lba).get(5, TimeUnit.SECONDS);
            }
            assertThat(m.issuedOn(1)).isEqualTo(100);
            assertThat(m.issuedOn(0)).as("nothing to the inaccessible path").isZero();
            assertThat(m.failedOver()).isZero();
        }
    }

    @Test
    void shouldUseANonOptimizedPathWhenNoneIsOptimized() throws Exception {
        try (MultipathController m = connect(AnaState.INACCESSIBLE, AnaState.NON_OPTIMIZED,
                MultipathSettings.defaults())) {
            NamespaceInfo ns = m.identifyNamespace(1);
            write(m.ioQueue(0), ns, 2).get(5, TimeUnit.SECONDS);
            assertThat(m.issuedOn(1)).isEqualTo(1);
            assertThat(m.issuedOn(0)).isZero();
        }
    }

    @Test
    void shouldHandTheCallerAStatusThatNoOtherPathWouldChange() throws Exception {
        try (MultipathController m = connect(AnaState.OPTIMIZED, AnaState.OPTIMIZED, MultipathSettings.defaults())) {
            NamespaceInfo ns = m.identifyNamespace(1);
            assertThatThrownBy(() -> write(m.ioQueue(0), ns, ns.size(), 1).join())
                    .cause().isInstanceOfSatisfying(NvmeStatusException.class,
                            e -> assertThat(e.status() & 0x7FF).isEqualTo(Status.LBA_OUT_OF_RANGE));
            assertThat(m.issuedOn(0) + m.issuedOn(1)).as("issued once, not retried").isEqualTo(1);
            assertThat(m.failedOver()).isZero();
        }
    }

    @Test
    void shouldFindEveryPathFromOneBricksDiscoveryLog() throws Exception {
        cluster = new TwoBrickCluster(AnaState.OPTIMIZED, AnaState.INACCESSIBLE);
        try (MultipathController m = MultipathController.discover(host, cluster.address(1), TwoBrickCluster.SUBNQN,
                MultipathSettings.defaults())) {
            assertThat(m.paths()).extracting(c -> c.address().getPort())
                    .containsExactly(cluster.address(1).getPort(), cluster.address(0).getPort());
            NamespaceInfo ns = m.identifyNamespace(1);
            write(m.ioQueue(0), ns, 7).get(5, TimeUnit.SECONDS);
            assertThat(m.issuedOn(1)).as("brick 0, listed second, is the optimized one").isEqualTo(1);
        }
    }

    /** Load runs on both queues while the primary moves from brick 0 to brick 1. */
    @ParameterizedTest(name = "through a CHANGE phase: {0}")
    @ValueSource(booleans = {false, true})
    void shouldMoveIoToTheNewPrimaryWithoutAnErrorWhenAnaStatesFlip(boolean changePhase) throws Exception {
        try (MultipathController m = connect(AnaState.OPTIMIZED, AnaState.INACCESSIBLE,
                MultipathSettings.defaults())) {
            NamespaceInfo ns = m.identifyNamespace(1);
            Load load = new Load(m, ns, 16);
            load.start();
            await("load flows through brick 0", () -> load.completed() > 200);
            if (changePhase) {
                cluster.setAnaState(0, AnaState.CHANGE);
                cluster.setAnaState(1, AnaState.CHANGE);
                await("the host sees the transition", () -> m.anaState(0, 1) == AnaGroupDescriptor.STATE_CHANGE
                        && m.anaState(1, 1) == AnaGroupDescriptor.STATE_CHANGE);
            }
            cluster.setAnaState(0, AnaState.INACCESSIBLE);
            cluster.setAnaState(1, AnaState.OPTIMIZED);
            long atFlip = load.completed();
            await("load flows through brick 1", () -> load.completed() > atFlip + 200);
            load.stopAndCheck();

            assertThat(m.anaState(1, 1)).isEqualTo(AnaGroupDescriptor.STATE_OPTIMIZED);
            long onZero = m.issuedOn(0);
            write(m.ioQueue(0), ns, 1).get(5, TimeUnit.SECONDS);
            assertThat(m.issuedOn(0)).as("after the flip nothing goes to brick 0").isEqualTo(onZero);
            assertThat(m.noPathFailures()).isZero();
            assertThat(m.failedOver()).as("I/O in flight at the flip was answered 302h/303h and issued again")
                    .isPositive();
        }
    }

    @Test
    void shouldMoveIoToAnotherOptimizedPathWithoutAnErrorWhenABrickDies() throws Exception {
        try (MultipathController m = connect(AnaState.OPTIMIZED, AnaState.OPTIMIZED, MultipathSettings.defaults())) {
            NamespaceInfo ns = m.identifyNamespace(1);
            Load load = new Load(m, ns, 16);
            load.start();
            await("load flows through brick 0", () -> load.completed() > 200 && m.issuedOn(0) > 200);
            cluster.kill(0);
            long atKill = load.completed();
            await("load flows through brick 1", () -> load.completed() > atKill + 200);
            load.stopAndCheck();
            assertThat(m.paths().get(0).isLive()).isFalse();
            assertThat(m.issuedOn(1)).isPositive();
            assertThat(m.failedOver()).as("I/O in flight when the brick died was issued again").isPositive();
        }
    }

    @Test
    void shouldHoldIoWhileNoPathIsUsableAndIssueItWhenOneIs() throws Exception {
        try (MultipathController m = connect(AnaState.OPTIMIZED, AnaState.INACCESSIBLE,
                MultipathSettings.defaults())) {
            NamespaceInfo ns = m.identifyNamespace(1);
            write(m.ioQueue(0), ns, 3).get(5, TimeUnit.SECONDS);
            cluster.kill(0);
            await("the host sees brick 0 gone", () -> !m.paths().get(0).isLive());
            CompletableFuture<Void> held = readAndCheck(m.ioQueue(0), ns, 3);
            Thread.sleep(100); // the I/O must still wait: this is the time it is held, not a synchronisation
            assertThat(held).isNotDone();
            cluster.setAnaState(1, AnaState.OPTIMIZED);
            held.get(5, TimeUnit.SECONDS);
            assertThat(m.longestPauseNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    @Test
    void shouldReadAnaStatesAgainWhenAPathReconnects() throws Exception {
        NvmeTcpInitiator reconnecting = new NvmeTcpInitiator(InitiatorConfig.builder()
                .hostNqn("nqn.2014-08.org.example:multipath-host").ioQueues(1).queueDepth(4).keepAliveMillis(0)
                .connectTimeoutMillis(5000).commandTimeoutMillis(5000).reconnectDelayMillis(20)
                .controllerLossTimeoutMillis(10_000).build());
        cluster = new TwoBrickCluster(AnaState.OPTIMIZED, AnaState.INACCESSIBLE);
        try (reconnecting; MultipathController m = MultipathController.connect(reconnecting,
                List.of(cluster.address(0), cluster.address(1)), TwoBrickCluster.SUBNQN, MultipathSettings.defaults())) {
            NamespaceInfo ns = m.identifyNamespace(1);
            write(m.ioQueue(0), ns, 9).get(5, TimeUnit.SECONDS);
            cluster.kill(0);
            await("the host sees brick 0 gone", () -> !m.paths().get(0).isLive());
            // While brick 0 was away the volume moved to brick 1, and no notice could reach the host.
            cluster.setAnaState(0, AnaState.INACCESSIBLE);
            cluster.setAnaState(1, AnaState.OPTIMIZED);
            cluster.restart(0);

            await("brick 0's states were read again on reconnection", () -> m.paths().get(0).isLive()
                    && m.anaState(0, 1) == AnaGroupDescriptor.STATE_INACCESSIBLE);
            long onZero = m.issuedOn(0);
            readAndCheck(m.ioQueue(0), ns, 9).get(5, TimeUnit.SECONDS);
            assertThat(m.issuedOn(0)).as("nothing to the path that came back inaccessible").isEqualTo(onZero);
            assertThat(m.failedOver()).isZero();
            assertThat(m.paths().get(0).generation()).isEqualTo(2);
        }
    }

    @Test
    void shouldFailIoWithAClearErrorWhenNoPathIsUsableForLongerThanTheBound() throws Exception {
        try (MultipathController m = connect(AnaState.INACCESSIBLE, AnaState.CHANGE,
                MultipathSettings.defaults().withNoPathTimeoutMillis(300))) {
            NamespaceInfo ns = m.identifyNamespace(1);
            long start = System.nanoTime();
            assertThatThrownBy(() -> write(m.ioQueue(0), ns, 5).join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(NoUsablePathException.class)
                    .hasMessageContaining("no usable path to namespace 1 for 300 ms")
                    .hasMessageContaining("inaccessible").hasMessageContaining("change");
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
            assertThat(m.noPathFailures()).isEqualTo(1);
        }
    }
}
