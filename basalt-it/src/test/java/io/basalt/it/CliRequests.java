package io.basalt.it;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The test's half of the CLI handshake: a guest script that wants the operator to act prints
 * {@code BASALT-CLI <args>} and reads one line; this runs {@code basalt <args> --api <brick's API>}
 * on the build machine, as an operator would, and answers {@code BASALT-CLI-DONE <exit code>}.
 * Arguments are split on spaces (NQNs, names and sizes have none).
 */
final class CliRequests implements BiConsumer<GuestRun, String> {
    static final String REQUEST = "BASALT-CLI ";
    static final String ANSWER = "BASALT-CLI-DONE ";
    private static final long LIMIT_SECONDS = 120;

    private final String apiUrl;
    private final List<String> done = new CopyOnWriteArrayList<>();

    CliRequests(String apiUrl) {
        this.apiUrl = apiUrl;
    }

    @Override
    public void accept(GuestRun guest, String line) {
        if (!line.startsWith(REQUEST)) {
            return;
        }
        List<String> args = Arrays.stream(line.substring(REQUEST.length()).trim().split(" +")).toList();
        List<String> cmd = new ArrayList<>(BrickProcess.basaltCommand());
        cmd.addAll(args);
        cmd.add("--api");
        cmd.add(apiUrl);
        int code;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            code = p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS) ? p.exitValue() : -1;
            System.out.printf("[cli] basalt %s -> %d%n%s", String.join(" ", args), code, out);
        } catch (Exception e) {
            System.out.println("[cli] basalt " + String.join(" ", args) + " failed: " + e);
            code = -1;
        }
        done.add(String.join(" ", args) + " -> " + code);
        guest.reply(ANSWER + code);
    }

    /** The commands run, each with its exit code. */
    List<String> done() {
        return List.copyOf(done);
    }
}
