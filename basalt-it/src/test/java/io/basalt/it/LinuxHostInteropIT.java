package io.basalt.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The stock Linux NVMe/TCP host (nvme-cli, the nvme-tcp driver, fio, ext4) on Debian's kernels 6.1 and
 * 6.12, in a qemu guest, against real bricks started with {@code ./basalt serve} on this machine: the
 * main one with a volume for any host and one for a single host, and a restricted one whose only volume
 * is for that single host, so that every other host is allowed nothing there.
 * The guest side is {@code src/test/guest/linux-host-interop.sh}; its header describes the steps.
 * A missing tool or kernel package fails the test with what to install; nothing is skipped.
 */
class LinuxHostInteropIT {

    static final Duration GUEST_LIMIT = Duration.ofSeconds(480);
    static final String NOBODY = "nqn.2014-08.org.example:nobody";

    /** Every step of the guest script, in order; each must report BASALT-PASS. */
    static final List<String> STEPS = List.of(
            "discover-discovery-port", "discover-io-port", "connect-default", "namespace-masking",
            "nvme-list", "nvme-id-ctrl", "nvme-id-ns", "nvme-smart-log", "nvme-error-log", "nvme-list-subsys",
            "fio-randrw-4k-qd32", "fio-seq-128k", "fio-seq-1m", "trim", "write-zeroes",
            "cli-create-appears", "cli-revoke-disappears", "cli-other-host-never-sees",
            "mkfs-ext4-files", "disconnect", "connect-digests-2-queues", "queue-count", "files-after-reconnect",
            "write-with-digests", "restart-target-term", "files-after-restart", "snapshot-clone-rollback",
            "disconnect-after-restart",
            "identity-after-restart", "nobody-sees-v1-and-secret", "discover-restricted-brick",
            "host-without-access", "host-sees-only-its-volume");

    static final List<String> KERNELS = LinuxGuest.KERNELS;

    private BrickProcess brick;
    private BrickProcess restricted;
    private GuestRun guest;

    @AfterEach
    void stopEverything() {
        if (guest != null) {
            guest.close();
        }
        if (brick != null) {
            brick.close();
        }
        if (restricted != null) {
            restricted.close();
        }
    }

    /**
     * The volume the host uses lives in the storage engine under both kernels: with its defaults (LZ4)
     * under Linux 6.1, and with every data service on (zstd, dedup, AES-XTS encryption) under 6.12,
     * so both face every step, restart included, in one CI run.
     */
    static String servicesFor(String kernel) {
        return "6.12".equals(kernel) ? "backend=engine,compression=zstd,dedup=on,encryption=aes-xts" : "backend=engine";
    }

    @ParameterizedTest(name = "Linux {0} host")
    @FieldSource("KERNELS")
    @Timeout(value = 25, unit = TimeUnit.MINUTES)
    void linuxHostUsesBrickAsLocalDisk(String kernel, @TempDir Path tmp) throws Exception {
        LinuxGuest linux = new LinuxGuest(kernel).ensureBuilt();

        int ioPort = BrickProcess.freePort();
        int discoveryPort = BrickProcess.freePort();
        // Each brick gets its own management API port: two on the default 8080 would collide.
        int apiPort = BrickProcess.freePort();
        Path dataDir = Files.createDirectories(tmp.resolve("data"));
        Path log = logDir().resolve("brick-linux-" + kernel + ".log");
        Files.deleteIfExists(log);
        brick = BrickProcess.serve("brick", log, List.of(ioPort, discoveryPort, apiPort), List.of(
                "--data-dir", dataDir.toString(),
                "--api-listen", "127.0.0.1:" + apiPort,
                "--listen", "127.0.0.1:" + ioPort,
                "--discovery-listen", "127.0.0.1:" + discoveryPort,
                "--kek-file", tmp.resolve("kek").toString(),
                "--volume", "name=v1,size=256MiB,hosts=any," + servicesFor(kernel),
                "--volume", "name=secret,size=64MiB,hosts=" + NOBODY));
        brick.start();
        int restrictedPort = BrickProcess.freePort();
        Path restrictedLog = logDir().resolve("restricted-brick-linux-" + kernel + ".log");
        Files.deleteIfExists(restrictedLog);
        restricted = BrickProcess.serve("restricted-brick", restrictedLog, List.of(restrictedPort), List.of(
                "--data-dir", Files.createDirectories(tmp.resolve("restricted-data")).toString(),
                "--listen", "127.0.0.1:" + restrictedPort,
                "--discovery-listen", "none",
                "--api-listen", "none",
                "--volume", "name=only-nobody,size=64MiB,hosts=" + NOBODY));
        restricted.start();

        TargetRestarts restarts = new TargetRestarts(brick);
        CliRequests cli = new CliRequests("http://127.0.0.1:" + apiPort);
        guest = linux.boot(LinuxGuest.guestDir().resolve("linux-host-interop.sh"),
                Map.of("BASALT_ADDR", LinuxGuest.HOST_ADDRESS,
                        "BASALT_IO_PORT", Integer.toString(ioPort),
                        "BASALT_DISCOVERY_PORT", Integer.toString(discoveryPort),
                        "BASALT_RESTRICTED_PORT", Integer.toString(restrictedPort)),
                GUEST_LIMIT, restarts.andThen(cli));
        int status = guest.awaitExit();

        String verdict = summary(guest, restarts, status, log);
        System.out.println(verdict);
        assertThat(guest.linesStartingWith(GuestRun.READY_MARKER))
                .as("the guest booted Linux %s", kernel)
                .singleElement().asString().startsWith(GuestRun.READY_MARKER + kernel + ".");
        assertThat(restarts.failures()).as(verdict).isEmpty();
        assertThat(guest.linesStartingWith("BASALT-FAIL ")).as(verdict).isEmpty();
        assertThat(STEPS.stream().filter(s -> !guest.hasLine("BASALT-PASS " + s)).toList())
                .as("steps that did not pass\n" + verdict).isEmpty();
        assertThat(restarts.done()).as("restarts the guest asked for").containsExactly("term");
        assertThat(cli.done()).as("CLI commands the guest asked for").isNotEmpty().allMatch(c -> c.endsWith("-> 0"));
        assertThat(guest.hasLine("BASALT-INTEROP-END failures=0")).as(verdict).isTrue();
        assertThat(status).as("guest exit status\n" + verdict).isZero();
        assertThat(brick.isAlive()).as("the main brick is still running at the end").isTrue();
        assertThat(restricted.isAlive()).as("the restricted brick is still running at the end").isTrue();
    }

    static Path logDir() throws java.io.IOException {
        return Files.createDirectories(Path.of(System.getProperty("basalt.it.logDir", "target/it-logs")).toAbsolutePath());
    }

    /** The lines that say what happened, for the assertion messages. */
    static String summary(GuestRun guest, TargetRestarts restarts, int status, Path brickLog) {
        StringBuilder s = new StringBuilder("=== Linux " + guest.console().stream()
                .filter(l -> l.startsWith(GuestRun.READY_MARKER)).findFirst().orElse("(guest never got ready)")
                + "\n");
        for (String line : guest.console()) {
            if (line.startsWith("BASALT-PASS ") || line.startsWith("BASALT-FAIL ") || line.startsWith("BASALT-WHY ")
                    || line.startsWith("BASALT-INTEROP-END") || line.startsWith(TargetRestarts.REQUEST) || line.startsWith(CliRequests.REQUEST)) {
                s.append("  ").append(line).append('\n');
            }
        }
        restarts.failures().forEach(f -> s.append("  restart failed: ").append(f).append('\n'));
        s.append("  run-guest.sh exit status ").append(status)
                .append(status == 124 ? " (time limit)" : status == 125 ? " (guest died)" : "")
                .append("; brick log ").append(brickLog);
        return s.toString();
    }
}
