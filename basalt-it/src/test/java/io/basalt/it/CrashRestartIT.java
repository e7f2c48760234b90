package io.basalt.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's crash test with the real process: {@code basalt bench --verify-log} writes over
 * NVMe/TCP to a volume with every data service on (zstd, dedup, AES-XTS), the brick is killed with
 * SIGKILL at a random moment, restarted, and {@code bench --verify-only} must find every
 * acknowledged write intact. Repeated a few times, each round bounded in time. A process crash
 * (the page cache survives); power cuts are the engine's FaultyDevice and property tests.
 */
class CrashRestartIT {
    static final int ROUNDS = Integer.getInteger("basalt.it.crashRounds", 3);
    private BrickProcess brick;

    @AfterEach
    void stop() {
        if (brick != null) {
            brick.close();
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyAcknowledgedWriteSurvivesKillNine(@TempDir Path tmp) throws Exception {
        int port = BrickProcess.freePort();
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path log = LinuxHostInteropIT.logDir().resolve("crash-brick.log");
        Files.deleteIfExists(log);
        brick = BrickProcess.serve("crash-brick", log, List.of(port), List.of(
                "--data-dir", data.toString(), "--listen", "127.0.0.1:" + port, "--discovery-listen", "none",
                "--api-listen", "none", "--kek-file", tmp.resolve("kek").toString(),
                "--volume", "name=v,size=256MiB,hosts=any,compression=zstd,dedup=on,encryption=aes-xts"));
        brick.start();
        String nqn = subsystemNqn(data);
        Random random = new Random();
        List<String> verdicts = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            Path verifyLog = tmp.resolve("acked." + round);
            Process writer = bench(port, nqn, verifyLog, tmp.resolve("bench." + round + ".log"), false);
            // Kill once writes are being acknowledged (a loaded machine may take seconds to start the
            // writer's JVM), at a random moment after.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((!Files.exists(verifyLog) || Files.size(verifyLog) == 0) && writer.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(500 + random.nextInt(2500));
            brick.stop(BrickProcess.Stop.KILL);
            assertThat(writer.waitFor(60, TimeUnit.SECONDS)).as("bench ends once its target is gone").isTrue();
            brick.start();
            long acked = Files.exists(verifyLog) ? Files.size(verifyLog) : 0;
            Path out = tmp.resolve("verify." + round + ".log");
            Process verify = bench(port, nqn, verifyLog, out, true);
            assertThat(verify.waitFor(120, TimeUnit.SECONDS)).as("verify finishes").isTrue();
            String verdict = "round " + round + ": " + acked + " bytes of acknowledged-write log; verify exit "
                    + verify.exitValue() + "\n" + Files.readString(out);
            verdicts.add(verdict);
            System.out.println(verdict);
            assertThat(acked).as("the writer got some writes acknowledged before the kill").isPositive();
            assertThat(verify.exitValue()).as(verdict).isZero();
        }
        assertThat(verdicts).hasSize(ROUNDS);
    }

    private static Process bench(int port, String nqn, Path verifyLog, Path out, boolean verifyOnly) throws IOException {
        List<String> cmd = new ArrayList<>(BrickProcess.basaltCommand());
        cmd.addAll(List.of("bench", "--target", "127.0.0.1:" + port, "--nqn", nqn, "--rw", "randwrite", "--bs", "4k",
                "--iodepth", "16", "--size", "64MiB", "--verify-log", verifyLog.toString()));
        cmd.addAll(verifyOnly ? List.of("--verify-only") : List.of("--runtime", "10"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(BrickProcess.repoRoot().toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb.start();
    }

    private static String subsystemNqn(Path dataDir) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dataDir.resolve("brick.properties"))) {
            p.load(r);
        }
        return p.getProperty("subsystem-nqn");
    }
}
