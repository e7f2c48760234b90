package io.basalt.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Freezing, resuming, killing and restarting a brick process, with {@link StandInBrick} as the brick. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BrickProcessTest {
    private BrickProcess brick;
    private int port;

    @AfterEach
    void stop() {
        if (brick != null) {
            brick.close();
        }
    }

    private BrickProcess standIn(Path tmp) throws IOException {
        port = BrickProcess.freePort();
        return BrickProcess.of("stand-in", tmp.resolve("stand-in.log"), List.of(port), List.of(
                BrickProcess.javaExecutable(), "-cp", System.getProperty("java.class.path"),
                StandInBrick.class.getName(), Integer.toString(port)));
    }

    @Test
    void shouldStopTheProcessOnFreezeAndLetItRunOnResume(@TempDir Path tmp) throws Exception {
        brick = standIn(tmp);
        brick.start();
        brick.freeze();
        awaitState(brick.pid(), 'T');
        assertThat(brick.isFrozen()).isTrue();
        assertThat(brick.isAlive()).as("a frozen brick is still there").isTrue();

        brick.resume();
        awaitState(brick.pid(), 'S', 'R');
        assertThat(brick.isFrozen()).isFalse();
        assertThat(instance(port)).startsWith("instance ");
    }

    @Test
    void shouldKillAFrozenBrickAndStartItAgainOnTheSamePort(@TempDir Path tmp) throws Exception {
        brick = standIn(tmp);
        brick.start();
        String before = instance(port);
        brick.freeze();
        brick.stop(BrickProcess.Stop.KILL);
        assertThat(brick.isAlive()).isFalse();
        assertThat(brick.isFrozen()).isFalse();

        brick.start();
        assertThat(instance(port)).startsWith("instance ").isNotEqualTo(before);
    }

    @Test
    void shouldEndAFrozenBrickOnClose(@TempDir Path tmp) throws Exception {
        brick = standIn(tmp);
        brick.start();
        long pid = brick.pid();
        brick.freeze();
        brick.close();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    private static String instance(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    /** Polls the process's state letter in /proc/PID/stat (T: stopped by a signal) until it is one of {@code states}. */
    private static void awaitState(long pid, char... states) throws Exception {
        String[] last = {""};
        try {
            TestCluster.await("process " + pid + " in state " + new String(states), Duration.ofSeconds(10), () -> {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                last[0] = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
                return new String(states).contains(last[0]);
            });
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage() + "; it is in " + last[0], e);
        }
    }
}
