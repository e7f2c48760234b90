package io.basalt.server;

import csi.v1.IdentityGrpc;
import csi.v1.NodeGetInfoRequest;
import csi.v1.NodeGrpc;
import csi.v1.ProbeRequest;
import io.basalt.csi.CsiChannel;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.ServeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code basalt csi} as the launcher runs it: usage errors, and a controller that serves its socket until stopped. */
class CsiCommandTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return BasaltMain.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void shouldRefuseABadModeANetworkEndpointAndAControllerWithoutAnApi() {
        assertThat(run("csi", "--mode", "both", "--endpoint", "unix://" + dir.resolve("s.sock"))).isEqualTo(BasaltMain.EXIT_USAGE);
        assertThat(err.toString()).contains("--mode must be controller, node or all");
        assertThat(run("csi", "--mode", "node", "--endpoint", "tcp://127.0.0.1:9000")).isEqualTo(BasaltMain.EXIT_USAGE);
        assertThat(err.toString()).contains("Unix socket");
        assertThat(run("csi", "--mode", "controller", "--endpoint", "unix://" + dir.resolve("s.sock")))
                .isEqualTo(BasaltMain.EXIT_USAGE);
        assertThat(err.toString()).contains("--api");
        assertThat(Files.exists(dir.resolve("s.sock"))).isFalse();
    }

    @Test
    void shouldServeTheControllerOnItsSocketUntilStopped() throws Exception {
        try (Brick brick = Brick.start(new ServeConfig(dir.resolve("data"), new InetSocketAddress("127.0.0.1", 0), null,
                List.of(), new ApiConfig(new InetSocketAddress("127.0.0.1", 0), null, null, null, null, null)))) {
            Path socket = dir.resolve("csi.sock");
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            Thread runner = Thread.ofPlatform().name("basalt-csi-test").start(() -> exit.complete(run("csi", "--mode",
                    "controller", "--endpoint", "unix://" + socket, "--api",
                    "http://127.0.0.1:" + brick.apiAddress().getPort())));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!out.toString().contains("serving controller") && System.nanoTime() < deadline && !exit.isDone()) {
                TimeUnit.MILLISECONDS.sleep(20); // polling the banner, bounded by the deadline
            }
            assertThat(out.toString()).contains("serving controller on " + socket);
            try (CsiChannel channel = CsiChannel.open(socket)) {
                assertThat(IdentityGrpc.newBlockingStub(channel.channel()).probe(ProbeRequest.getDefaultInstance())
                        .getReady().getValue()).isTrue();
            }
            runner.interrupt();
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
            assertThat(Files.exists(socket)).as("the socket is removed on stop").isFalse();
        }
    }

    @Test
    void shouldReportTheNodesZoneAndFailureDomainsFromFlagsAndItsFile() throws Exception {
        Path file = Files.writeString(dir.resolve("domains"), "# written by the node's provisioning\nzone=a\nrack=r0\n");
        assertThat(run("csi", "--mode", "node", "--endpoint", "unix://" + dir.resolve("bad.sock"), "--failure-domain",
                "rack=r 1")).isEqualTo(BasaltMain.EXIT_USAGE);
        assertThat(err.toString()).contains("Kubernetes labels", "rack=r 1");
        Path socket = dir.resolve("node.sock");
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread runner = Thread.ofPlatform().name("basalt-csi-node-test").start(() -> exit.complete(run("csi", "--mode",
                "node", "--endpoint", "unix://" + socket, "--node-id", "nqn.2014-08.org.nvmexpress:uuid:node-1",
                "--state-dir", dir.resolve("state").toString(), "--zone", "east", "--failure-domain-file",
                file.toString(), "--failure-domain", "rack=r7")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!out.toString().contains("serving node") && System.nanoTime() < deadline && !exit.isDone()) {
            TimeUnit.MILLISECONDS.sleep(20); // polling the banner, bounded by the deadline
        }
        try (CsiChannel channel = CsiChannel.open(socket)) {
            assertThat(NodeGrpc.newBlockingStub(channel.channel()).nodeGetInfo(NodeGetInfoRequest.getDefaultInstance())
                    .getAccessibleTopology().getSegmentsMap()).as("the flag wins over the file")
                    .containsExactlyInAnyOrderEntriesOf(Map.of("topology.basalt.io/zone", "east",
                            "failure-domain.basalt.io/zone", "a", "failure-domain.basalt.io/rack", "r7"));
        } finally {
            runner.interrupt();
        }
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }
}
