package io.basalt.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One boot of a {@link LinuxGuest}: the run-guest.sh process, its console lines, and the channel back
 * into the guest (lines written to run-guest.sh's stdin arrive on the guest console, the script's
 * stdin).
 */
final class GuestRun implements AutoCloseable {

    static final String READY_MARKER = "BASALT-GUEST-READY ";
    static final String EXIT_MARKER = "BASALT-GUEST-EXIT ";

    /** Slack on top of run-guest.sh's own limit before we stop it ourselves. */
    private static final Duration SLACK = Duration.ofSeconds(30);
    /** Terminal control sequences the BIOS and the serial console print. */
    private static final Pattern RESET = Pattern.compile("\u001Bc");
    private static final Pattern ESCAPES = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]|\r");
    private static final Pattern EXIT_LINE = Pattern.compile("^" + EXIT_MARKER + "(\\d+)$");

    private final String kernel;
    private final Process process;
    private final Duration limit;
    private final OutputStream toGuest;
    private final List<String> console = new CopyOnWriteArrayList<>();
    private final Thread pump;

    private GuestRun(String kernel, Process process, Duration limit, BiConsumer<GuestRun, String> onLine) {
        this.kernel = kernel;
        this.process = process;
        this.limit = limit;
        this.toGuest = process.getOutputStream();
        this.pump = Processes.pumpLines("guest-" + kernel, process.getInputStream(), raw -> {
            // the console is reset (ESC c) when the kernel takes over from the BIOS, often in the
            // middle of a BIOS line: start a new line there
            for (String piece : RESET.split(raw, -1)) {
                String line = ESCAPES.matcher(piece).replaceAll("");
                console.add(line);
                System.out.println("[guest " + kernel + "] " + line);
                onLine.accept(this, line);
            }
        });
    }

    static GuestRun start(String kernel, List<String> command, Duration limit, BiConsumer<GuestRun, String> onLine)
            throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new GuestRun(kernel, p, limit, onLine);
    }

    /** Writes one line to the guest console, where the guest script reads it from stdin. */
    synchronized void reply(String line) {
        try {
            toGuest.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            toGuest.flush();
        } catch (IOException e) {
            System.out.println("[guest " + kernel + "] cannot reply '" + line + "': " + e);
        }
    }

    /**
     * Waits for the guest to finish and returns run-guest.sh's exit status: the script's own status,
     * 124 when the time limit stopped it, 125 when the guest died without a result. If run-guest.sh
     * itself hangs past its limit, the process tree is killed and this returns 124 as well.
     */
    int awaitExit() throws InterruptedException {
        return awaitExit(limit.plus(SLACK));
    }

    /** As {@link #awaitExit()}, but stops the guest (and returns 124) if it has not ended within {@code wait}. */
    int awaitExit(Duration wait) throws InterruptedException {
        if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            System.out.println("[guest " + kernel + "] no end after " + wait + "; killing qemu");
            Processes.killTree(process);
            pump.join(5_000);
            return 124;
        }
        pump.join(10_000);
        return process.exitValue();
    }

    /** True until run-guest.sh (and with it qemu) has ended. */
    boolean isRunning() {
        return process.isAlive();
    }

    List<String> console() {
        return List.copyOf(console);
    }

    /** The status the guest reported on its console, if it got that far. */
    Optional<Integer> reportedStatus() {
        return console.stream().map(EXIT_LINE::matcher).filter(Matcher::matches)
                .map(m -> Integer.parseInt(m.group(1))).reduce((a, b) -> b);
    }

    boolean hasLine(String line) {
        return console.contains(line);
    }

    List<String> linesStartingWith(String prefix) {
        return console.stream().filter(l -> l.startsWith(prefix)).toList();
    }

    /**
     * What a reader of a failed run needs first: the guest's release, every step's outcome and reason,
     * the console lines starting with one of {@code prefixes}, the test side's failed requests and the
     * exit status.
     */
    String verdict(String title, List<String> prefixes, List<String> requestFailures, int status) {
        StringBuilder s = new StringBuilder("=== " + title + ", Linux " + console.stream()
                .filter(l -> l.startsWith(READY_MARKER)).findFirst().orElse("(guest never got ready)") + "\n");
        for (String line : console) {
            if (line.startsWith("BASALT-PASS ") || line.startsWith("BASALT-FAIL ") || line.startsWith("BASALT-WHY ")
                    || prefixes.stream().anyMatch(line::startsWith)) {
                s.append("  ").append(line).append('\n');
            }
        }
        requestFailures.forEach(f -> s.append("  request failed: ").append(f).append('\n'));
        s.append("  run-guest.sh exit status ").append(status);
        return s.toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            Processes.killTree(process);
        }
        try {
            toGuest.close();
        } catch (IOException ignored) {
            // the process is gone
        }
    }
}
