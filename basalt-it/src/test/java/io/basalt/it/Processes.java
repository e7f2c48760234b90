package io.basalt.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Small helpers for the child processes the interop tests run (qemu, the brick, shell scripts). */
final class Processes {

    static {
        // qemu and the bricks are children of the test JVM: if it is stopped (a time-out, Ctrl-C),
        // take them along rather than leave them running
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
                ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly)));
    }

    private Processes() {}

    /**
     * Sends SIGTERM (or SIGKILL when {@code forcibly}) to a process and all its descendants, children
     * first, so that a shell wrapper cannot leave its child running, then waits for all of them.
     *
     * @return true if every process ended within {@code wait}
     */
    static boolean signalTree(ProcessHandle root, boolean forcibly, Duration wait) {
        List<ProcessHandle> all = new java.util.ArrayList<>(root.descendants().toList().reversed());
        all.add(root);
        for (ProcessHandle p : all) {
            if (forcibly) {
                p.destroyForcibly();
            } else {
                p.destroy();
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        for (ProcessHandle p : all) {
            long left = deadline - System.nanoTime();
            try {
                p.onExit().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sends a named signal ({@code STOP}, {@code CONT}) to a process and all its descendants with
     * {@code kill(1)}: ProcessHandle knows only TERM and KILL.
     *
     * @throws IllegalStateException if {@code kill} fails or does not end within {@code wait}
     */
    static void signalTree(ProcessHandle root, String signal, Duration wait) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("kill", "-" + signal));
        root.descendants().forEach(p -> cmd.add(Long.toString(p.pid())));
        cmd.add(Long.toString(root.pid()));
        Process kill = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!kill.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            kill.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " did not end within " + wait);
        }
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (kill.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed with status " + kill.exitValue()
                    + ": " + output);
        }
    }

    /** Ends a process tree: SIGTERM, then SIGKILL for whatever is left after a grace period. */
    static void killTree(Process process) {
        if (process == null) {
            return;
        }
        if (!signalTree(process.toHandle(), false, Duration.ofSeconds(10))) {
            signalTree(process.toHandle(), true, Duration.ofSeconds(10));
        }
    }

    /** Reads {@code in} line by line on a daemon thread, handing each line to {@code sink}. */
    static Thread pumpLines(String name, InputStream in, Consumer<String> sink) {
        Thread t = Thread.ofPlatform().daemon().name(name).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                sink.accept("[" + name + ": output ended with " + e + "]");
            }
        });
        return t;
    }
}
