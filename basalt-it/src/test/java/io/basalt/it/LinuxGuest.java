package io.basalt.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A Debian-kernel Linux guest under qemu, built and booted by the scripts in {@code src/test/guest}
 * ({@code build-guest.sh}, {@code run-guest.sh}). The guest reaches this machine's loopback as
 * {@link #HOST_ADDRESS}.
 */
final class LinuxGuest {

    /** This machine's 127.0.0.1 as the guest sees it (qemu user networking). */
    static final String HOST_ADDRESS = "10.0.2.2";

    /** The kernels the interop suite runs on: Debian 12's own and the newer one it also ships. */
    static final List<String> KERNELS = List.of("6.1", "6.12");

    static final String GUEST_DIR_PROP_NAME = "basalt.it.guestDir";
    static final String GUEST_DIR_DEFAULT = "src/test/guest";
    static final Duration BUILD_LIMIT = Duration.ofMinutes(15);

    private final String kernel;

    LinuxGuest(String kernel) {
        this.kernel = kernel;
    }

    static Path guestDir() {
        return Path.of(System.getProperty(GUEST_DIR_PROP_NAME, GUEST_DIR_DEFAULT)).toAbsolutePath().normalize();
    }

    String kernel() {
        return kernel;
    }

    /**
     * Builds the guest unless it is cached. A failure (a tool missing and not installable, no network
     * for the kernel package) throws an AssertionError carrying the script's own message, which names
     * what to install.
     */
    LinuxGuest ensureBuilt() throws IOException, InterruptedException {
        Path log = Files.createTempFile("basalt-build-guest", ".log");
        try {
            Process p = new ProcessBuilder(guestDir().resolve("build-guest.sh").toString(), kernel)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!p.waitFor(BUILD_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                Processes.killTree(p);
                throw new AssertionError("building the Linux " + kernel + " guest took longer than " + BUILD_LIMIT
                        + "\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError("cannot build the Linux " + kernel + " guest (build-guest.sh exit "
                        + p.exitValue() + "):\n" + output);
            }
            return this;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * Boots the guest and runs {@code script} in it. Every console line goes to the test log and to
     * {@code onLine}, which may answer the guest through {@link GuestRun#reply(String)}.
     *
     * @param env       variables for the script
     * @param limit     time limit enforced by run-guest.sh (the guest is stopped when it expires)
     */
    GuestRun boot(Path script, Map<String, String> env, Duration limit, BiConsumer<GuestRun, String> onLine)
            throws IOException {
        return boot(script, env, Map.of(), limit, onLine);
    }

    /**
     * As {@link #boot(Path, Map, Duration, BiConsumer)}, and forwards each {@code 127.0.0.1:HOSTPORT} on
     * this machine to {@code GUESTPORT} in the guest (keys are host ports, values guest ports), so that
     * a server in the guest is reachable from here. Only loopback is ever bound.
     */
    GuestRun boot(Path script, Map<String, String> env, Map<Integer, Integer> forwards, Duration limit,
                  BiConsumer<GuestRun, String> onLine) throws IOException {
        return boot(script, List.of(), env, forwards, limit, onLine);
    }

    /** As {@link #boot(Path, Map, Map, Duration, BiConsumer)}, and copies {@code files} next to the script (/guest). */
    GuestRun boot(Path script, List<Path> files, Map<String, String> env, Map<Integer, Integer> forwards,
                  Duration limit, BiConsumer<GuestRun, String> onLine) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(guestDir().resolve("run-guest.sh").toString(),
                "-k", kernel, "-t", Long.toString(limit.toSeconds())));
        files.forEach(f -> {
            cmd.add("-f");
            cmd.add(f.toString());
        });
        env.forEach((k, v) -> {
            cmd.add("-e");
            cmd.add(k + "=" + v);
        });
        forwards.forEach((host, guest) -> {
            cmd.add("-p");
            cmd.add(host + ":" + guest);
        });
        cmd.add(script.toString());
        return GuestRun.start(kernel, cmd, limit, onLine);
    }
}
