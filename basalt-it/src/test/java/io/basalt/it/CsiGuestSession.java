package io.basalt.it;

import io.basalt.csi.CsiPlugin;
import io.basalt.csi.CsiServer;
import io.basalt.csi.controller.ControllerSettings;
import io.basalt.csi.node.NodeSettings;
import io.basalt.csi.node.Polling;
import io.basalt.csi.rpc.Zone;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program (the official csi-sanity) inside the Linux guest against the CSI plugin, as
 * {@code csi-sanity-guest.sh} does: a brick and the plugin ({@code all} mode, host commands in the
 * guest through {@link GuestCommandRunner}) run here; in the guest, {@code /csi/csi.sock} reaches the
 * plugin's socket through socat and a {@link UnixSocketRelay}; the program runs in the guest and its
 * exit status becomes this process's.
 *
 * <p>Arguments: {@code KERNEL PROGRAM [ARGS...]}. A PROGRAM that is a file here is copied into the
 * guest (/guest); otherwise it names a program in the guest. So is the FILE of an argument
 * {@code --flag=FILE} that is a file here (csi-sanity's parameter and secrets files).
 */
final class CsiGuestSession {
    static final String PROGRAM_EXIT = "BASALT-CSI-PROGRAM-EXIT ";
    /** Where the files copied into the guest are. */
    static final String GUEST_FILES = "/guest/";
    static final Duration LIMIT = Duration.ofMinutes(Long.getLong("basalt.csi.guestMinutes", 60));

    private CsiGuestSession() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: CsiGuestSession KERNEL PROGRAM [ARGS...]");
            System.exit(2);
        }
        System.exit(run(args[0], List.of(args).subList(1, args.length)));
    }

    static int run(String kernel, List<String> program) throws Exception {
        Path tmp = Files.createTempDirectory("basalt-csi-guest");
        LinuxGuest linux = new LinuxGuest(kernel).ensureBuilt();
        int ioPort = BrickProcess.freePort();
        int apiPort = BrickProcess.freePort();
        Path brickLog = tmp.resolve("brick.log");
        List<Path> files = new ArrayList<>(List.of(LinuxGuest.guestDir().resolve("csi-node.sh")));
        List<String> argv = guestArgv(program, files);
        try (BrickProcess brick = BrickProcess.serve("brick", brickLog, List.of(ioPort, apiPort), List.of(
                "--data-dir", Files.createDirectories(tmp.resolve("data")).toString(),
                "--api-listen", "127.0.0.1:" + apiPort, "--listen", "127.0.0.1:" + ioPort,
                "--discovery-listen", "none"))) {
            brick.start();
            Zone zone = new Zone(Zone.DEFAULT);
            GuestCommandRunner runner = new GuestCommandRunner(Duration.ofSeconds(120), Duration.ofSeconds(60));
            try (CsiServer plugin = CsiPlugin.start(new CsiPlugin.Config(CsiPlugin.Mode.ALL, tmp.resolve("csi.sock"),
                    URI.create("http://127.0.0.1:" + apiPort), null,
                    new ControllerSettings(zone, "127.0.0.1", List.of(LinuxGuest.HOST_ADDRESS + ":" + ioPort)),
                    new NodeSettings(null, NodeSettings.HOSTNQN_FILE_DEFAULT, zone, NodeSettings.CTRL_LOSS_TMO_DEFAULT,
                            NodeSettings.RECONNECT_DELAY_DEFAULT, Duration.ofSeconds(120), tmp.resolve("state")),
                    runner, Polling.realTime()));
                 UnixSocketRelay relay = UnixSocketRelay.start(plugin.socket())) {
                CompletableFuture<Integer> exit = new CompletableFuture<>();
                try (GuestRun guest = linux.boot(LinuxGuest.guestDir().resolve("csi-program.sh"), files,
                        Map.of("BASALT_CSI_RELAY", LinuxGuest.HOST_ADDRESS + ":" + relay.port(),
                                "BASALT_PROGRAM", encode(argv)), Map.of(), LIMIT,
                        runner.andThen((g, line) -> {
                            if (line.startsWith(PROGRAM_EXIT)) {
                                exit.complete(Integer.parseInt(line.substring(PROGRAM_EXIT.length()).trim()));
                            }
                        }))) {
                    runner.attach(guest::reply);
                    runner.awaitReady(Duration.ofMinutes(5), guest::isRunning);
                    int status = exit.get(LIMIT.toMinutes(), TimeUnit.MINUTES);
                    runner.end();
                    guest.awaitExit(Duration.ofMinutes(1));
                    System.out.println("=== " + program.getFirst() + " exited with " + status + " in the Linux "
                            + kernel + " guest; brick log " + brickLog);
                    return status;
                }
            }
        }
    }

    /**
     * The program's argv as the guest sees it, adding to {@code files} what must be copied in: the
     * PROGRAM when it is a file here, and the FILE of every {@code --flag=FILE} argument that is a
     * file here (csi-sanity's {@code --csi.testvolumeparameters}, {@code --csi.secrets}, ...), each
     * then named by its path in the guest, {@code /guest/NAME}.
     */
    static List<String> guestArgv(List<String> program, List<Path> files) {
        List<String> argv = new ArrayList<>(program);
        Path local = Path.of(program.getFirst());
        if (Files.isRegularFile(local)) {
            files.add(local.toAbsolutePath());
            argv.set(0, GUEST_FILES + local.getFileName());
        }
        for (int i = 1; i < argv.size(); i++) {
            String arg = argv.get(i);
            int equals = arg.indexOf('=');
            if (!arg.startsWith("--") || equals < 0) {
                continue;
            }
            Path file = Path.of(arg.substring(equals + 1));
            if (Files.isRegularFile(file)) {
                files.add(file.toAbsolutePath());
                argv.set(i, arg.substring(0, equals + 1) + GUEST_FILES + file.getFileName());
            }
        }
        return argv;
    }

    /** The argv as base64 words, for the guest script's environment. */
    private static String encode(List<String> argv) {
        List<String> words = new ArrayList<>();
        for (String a : argv) {
            words.add(a.isEmpty() ? "-" : Base64.getEncoder().encodeToString(a.getBytes(StandardCharsets.UTF_8)));
        }
        return String.join(" ", words);
    }
}
