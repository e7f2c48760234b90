package io.basalt.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
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
                dir.toString(), "--listen", "127.0.0.1:0", "--discovery-listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0"));

        Brick brick = awaitBrick(serve);
        InetSocketAddress io = brick.ioAddress();
        try (Socket s = new Socket(io.getAddress(), io.getPort())) {
            assertThat(s.isConnected()).isTrue();
        }
        assertThat(out.toString())
                .contains(brick.identity().subsystemNqn())
                .contains("vol1")
                .contains("nvme connect -t tcp -a 127.0.0.1 -s " + io.getPort());
        assertThat(Files.exists(dir.resolve("engine/pool-0.img"))).as("the default volume lives in the engine pool").isTrue();

        serve.requestStop();

        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void shouldWarnOnStderrWhenTheConfiguredVolumesOverCommitThePool() throws Exception {
        ServeCommand serve = new ServeCommand();
        StringWriter err = new StringWriter();
        var cl = BasaltMain.commandLine(serve, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("serve", "--data-dir",
                dir.toString(), "--listen", "127.0.0.1:0", "--discovery-listen", "none", "--api-listen", "none",
                "--volume", "name=big,size=500TiB,hosts=any"));
        awaitBrick(serve);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!err.toString().contains("warning") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(err.toString()).contains("basalt serve: warning: the engine pool is over-committed");

        serve.requestStop();

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
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("serve", "--config", yaml.toString()));

        Brick brick = awaitBrick(serve);

        assertThat(brick.dataDir()).isEqualTo(dir.resolve("data").toAbsolutePath());
        assertThat(brick.discoveryAddress()).isNull();
        assertThat(brick.volumes()).singleElement().satisfies(v -> assertThat(v.metadata().name()).isEqualTo("fromyaml"));
        serve.requestStop();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
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
