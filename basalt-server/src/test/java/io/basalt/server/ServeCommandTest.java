package io.basalt.server;

import io.basalt.control.volume.Backend;
import io.basalt.control.volume.Hosts;
import io.basalt.control.volume.VolumeMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldServeTheDefaultVolumeUntilAskedToStopThenExitZero() throws Exception {
        ServeCommand serve = new ServeCommand();
        StringWriter out = new StringWriter();
        var cl = BasaltMain.commandLine(serve, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("serve", "--data-dir",
                dir.toString(), "--listen", "127.0.0.1:0", "--discovery-listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0"), ServeCommandTest::ownThread);

        try {
            Brick brick = awaitBrick(serve);
            InetSocketAddress io = brick.ioAddress();
            try (Socket s = new Socket(io.getAddress(), io.getPort())) {
                assertThat(s.isConnected()).isTrue();
            }
            // serve publishes the brick, then prints the banner: wait for its last line
            awaitOutput(out, "nvme connect");
            assertThat(out.toString())
                    .contains(brick.identity().subsystemNqn())
                    .contains("vol1")
                    .contains("nvme connect -t tcp -a 127.0.0.1 -s " + io.getPort());
            assertThat(Files.exists(dir.resolve("engine/pool-0.img"))).as("the default volume lives in the engine pool")
                    .isTrue();
        } finally {
            serve.requestStop(); // a failed check must not leave a brick running into the next test
        }

        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void shouldWarnOnStderrWhenTheConfiguredVolumesOverCommitThePool() throws Exception {
        ServeCommand serve = new ServeCommand();
        StringWriter err = new StringWriter();
        var cl = BasaltMain.commandLine(serve, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("serve", "--data-dir",
                dir.toString(), "--listen", "127.0.0.1:0", "--discovery-listen", "none", "--api-listen", "none",
                "--volume", "name=big,size=500TiB,hosts=any"), ServeCommandTest::ownThread);
        try {
            awaitBrick(serve);
            awaitOutput(err, "warning");
            assertThat(err.toString()).contains("basalt serve: warning: the engine pool is over-committed");
        } finally {
            serve.requestStop();
        }

        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void shouldTakeSettingsFromTheConfigFile() throws Exception {
        Path yaml = dir.resolve("basalt.yaml");
        Files.writeString(yaml, """
                data-dir: %s
                listen: 127.0.0.1:0
                discovery-listen: none
                api-listen: 127.0.0.1:0
                volumes:
                  - name: fromyaml
                    size: 4MiB
                    hosts: any
                    backend: ram
                """.formatted(dir.resolve("data")));
        ServeCommand serve = new ServeCommand();
        var cl = BasaltMain.commandLine(serve, new PrintWriter(new StringWriter(), true),
                new PrintWriter(new StringWriter(), true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("serve", "--config", yaml.toString()), ServeCommandTest::ownThread);

        Brick brick = awaitBrick(serve);

        assertThat(brick.dataDir()).isEqualTo(dir.resolve("data").toAbsolutePath());
        assertThat(brick.discoveryAddress()).isNull();
        assertThat(brick.volumes()).singleElement().satisfies(v -> assertThat(v.metadata().name()).isEqualTo("fromyaml"));
        serve.requestStop();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void shouldPointAVolumeCreatedThroughTheApiWithoutHostsAtHostAllow() {
        VolumeMetadata created = new VolumeMetadata("db", 2, UUID.randomUUID(), 1 << 20, 512, Backend.ENGINE,
                Hosts.none(), null, null, null, true, 0, null, null, null);

        assertThat(ServeCommand.hiddenVolumeWarnings(List.of(created))).first().asString()
                .contains("Volume db allows no host", "basalt host allow db NQN")
                .doesNotContain("--volume").doesNotContain("hosts:");
    }

    @Test
    void shouldPointAConfiguredVolumeWithoutHostsAtItsConfiguration() {
        VolumeMetadata configured = new VolumeMetadata("db", 1, UUID.randomUUID(), 1 << 20, 512, Backend.FILE,
                Hosts.none());

        assertThat(ServeCommand.hiddenVolumeWarnings(List.of(configured))).first().asString()
                .contains("Volume db allows no host", "--volume", "hosts:")
                .doesNotContain("basalt host allow");
    }

    @Test
    void shouldNotWarnWhenEveryVolumeAllowsSomeHost() {
        VolumeMetadata open = new VolumeMetadata("db", 1, UUID.randomUUID(), 1 << 20, 512, Backend.FILE, Hosts.parse("any"));

        assertThat(ServeCommand.hiddenVolumeWarnings(List.of(open))).isEmpty();
    }

    /**
     * Each serve on a thread of its own: the common pool has one thread on a 2-core machine, so a
     * serve left running by a failed test would keep the next one from ever starting.
     */
    private static void ownThread(Runnable r) {
        Thread t = new Thread(r, "serve-under-test");
        t.setDaemon(true);
        t.start();
    }

    private static void awaitOutput(StringWriter w, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!w.toString().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static Brick awaitBrick(ServeCommand serve) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (serve.brick() == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("serve did not start");
            }
            Thread.sleep(20);
        }
        return serve.brick();
    }
}
