package io.basalt.initiator.bench;

import io.basalt.initiator.testing.TwoBrickCluster;
import io.basalt.nvmet.subsystem.AnaState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bench} over two bricks of one subsystem while the volume's primary moves. */
class BenchMultipathTest {
    private TwoBrickCluster cluster;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private int bench(String... args) {
        return BenchCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void shouldLoseNoAcknowledgedWriteWhenThePrimaryMovesDuringAVerifyLogRun(@TempDir Path dir) throws Exception {
        cluster = new TwoBrickCluster(AnaState.OPTIMIZED, AnaState.INACCESSIBLE);
        Path log = dir.resolve("acked.log");
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> bench("--target", cluster.targets(),
                "--nqn", TwoBrickCluster.SUBNQN, "--rw", "randrw", "--bs", "4k", "--iodepth", "16", "--queues", "2",
                "--runtime", "3", "--size", "4MiB", "--verify-log", log.toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cluster.allocatedBytes() < (1 << 20) && !run.isDone()) {
            assertThat(System.nanoTime() - deadline).as("bench writes within 10 s").isNegative();
            Thread.sleep(1);
        }
        cluster.setAnaState(0, AnaState.INACCESSIBLE);
        cluster.setAnaState(1, AnaState.OPTIMIZED);

        assertThat(run.get(30, TimeUnit.SECONDS)).as(out + "\n" + err).isZero();
        out.toString().lines().filter(l -> l.contains("multipath:")).forEach(System.out::println);
        assertThat(out.toString()).contains("paths=127.0.0.1:" + cluster.address(0).getPort() + ",127.0.0.1:"
                        + cluster.address(1).getPort(), "errors: status=0 transport=0 timeout=0 verify=0")
                .containsPattern("multipath: paths=2 failed-over=[1-9]\\d* longest-pause=[\\d.]+ms no-path=0");

        // The old primary is gone for good: every acknowledged write must be read back through the new one.
        cluster.kill(0);
        int code = bench("--target", cluster.targets(), "--nqn", TwoBrickCluster.SUBNQN, "--verify-only",
                "--verify-log", log.toString(), "--bs", "4k", "--rw", "read", "--iodepth", "16");

        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).containsPattern("verify-only: [1-9]\\d* units: [1-9]\\d* as last acknowledged")
                .contains("0 LOST or corrupt, 0 read errors");
    }

    @Test
    void shouldFindThePathsThroughDiscovery() throws Exception {
        cluster = new TwoBrickCluster(AnaState.INACCESSIBLE, AnaState.OPTIMIZED);

        int code = bench("--discover", "127.0.0.1:" + cluster.address(0).getPort(), "--nqn", TwoBrickCluster.SUBNQN,
                "--rw", "randwrite", "--bs", "4k", "--iodepth", "4", "--runtime", "1", "--size", "1MiB", "--verify");

        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("multipath: paths=2 failed-over=0", "verify=0");
    }

    @Test
    void shouldAskForATargetOrADiscoveryAddress() {
        assertThat(bench("--nqn", TwoBrickCluster.SUBNQN, "--rw", "read", "--bs", "4k", "--iodepth", "1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("give --target HOST:PORT[,HOST:PORT...] or --discover HOST:PORT");
    }
}
