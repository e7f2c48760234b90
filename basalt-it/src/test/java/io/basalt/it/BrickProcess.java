package io.basalt.it;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A brick (or any server standing in for one) run as a child process on loopback ports that stay
 * the same across {@link #restart restarts}, so a connected host can find it again.
 *
 * <p>By default the brick is started with the repository's launcher, {@code ./basalt serve}. With
 * {@code -Dbasalt.it.brick=java} it is started as {@code java -cp <test class path> <main class>}
 * instead, which needs no launcher.
 */
final class BrickProcess implements AutoCloseable {

    static final String REPO_ROOT_PROP_NAME = "basalt.it.repoRoot";
    static final String REPO_ROOT_DEFAULT = "..";
    static final String MODE_PROP_NAME = "basalt.it.brick";
    static final String MODE_DEFAULT = "launcher";
    static final String MAIN_CLASS_PROP_NAME = "basalt.it.brickMainClass";
    static final String MAIN_CLASS_DEFAULT = "io.basalt.server.BasaltMain";
    static final String JVM_FLAGS_PROP_NAME = "basalt.it.jvmFlags";

    static final Duration START_LIMIT = Duration.ofSeconds(120);
    static final Duration STOP_LIMIT = Duration.ofSeconds(30);

    /** How the brick is stopped for a restart. */
    enum Stop { TERM, KILL }

    private final String name;
    private final List<String> command;
    private final Path log;
    private final List<Integer> ports;
    private volatile Process process;
    private int starts;
    private volatile boolean stopping;
    private volatile boolean frozen;

    private BrickProcess(String name, List<String> command, Path log, List<Integer> ports) {
        this.name = name;
        this.command = command;
        this.log = log;
        this.ports = ports;
    }

    /** A real brick: {@code serve} with these arguments, through the launcher or straight with java. */
    static BrickProcess serve(String name, Path log, List<Integer> ports, List<String> serveArgs) {
        List<String> cmd = basaltCommand();
        cmd.add("serve");
        cmd.addAll(serveArgs);
        return new BrickProcess(name, cmd, log, ports);
    }

    /** The {@code basalt} command, as bricks are started: the launcher, or java with the test class path. */
    static List<String> basaltCommand() {
        List<String> cmd = new ArrayList<>();
        if (System.getProperty(MODE_PROP_NAME, MODE_DEFAULT).equals("java")) {
            cmd.add(javaExecutable());
            cmd.addAll(jvmFlags());
            cmd.add("-cp");
            cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
            cmd.add(System.getProperty(MAIN_CLASS_PROP_NAME, MAIN_CLASS_DEFAULT));
        } else {
            cmd.add(repoRoot().resolve("basalt").toString());
        }
        return cmd;
    }

    /** Any command standing in for a brick, for testing the harness itself. */
    static BrickProcess of(String name, Path log, List<Integer> ports, List<String> command) {
        return new BrickProcess(name, List.copyOf(command), log, ports);
    }

    static Path repoRoot() {
        return Path.of(System.getProperty(REPO_ROOT_PROP_NAME, REPO_ROOT_DEFAULT)).toAbsolutePath().normalize();
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static List<String> jvmFlags() {
        String flags = System.getProperty(JVM_FLAGS_PROP_NAME, "").trim();
        return flags.isEmpty() ? List.of() : List.of(flags.split("\\s+"));
    }

    /** A TCP port on 127.0.0.1 that nothing listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts the process and waits until every port accepts connections. */
    void start() throws IOException, InterruptedException {
        starts++;
        appendLog("=== start " + starts + ": " + String.join(" ", command));
        ProcessBuilder pb = new ProcessBuilder(command).directory(repoRoot().toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        stopping = false;
        process = pb.start();
        Process p = process;
        // a brick that dies while the test still needs it explains many later failures: say so loudly
        p.onExit().thenAccept(dead -> {
            if (dead == process && !stopping) {
                String msg = "=== " + name + " exited unexpectedly with status " + dead.exitValue()
                        + (dead.exitValue() == 143 ? " (SIGTERM from outside this test)" : dead.exitValue() == 137 ? " (SIGKILL from outside this test)" : "");
                System.out.println("[" + name + "] " + msg);
                appendLog(msg);
            }
        });
        Processes.pumpLines(name + "-out-" + starts, p.getInputStream(), line -> {
            System.out.println("[" + name + "] " + line);
            appendLog(line);
        });
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        for (int port : ports) {
            while (!accepts(port)) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(name + " exited with status " + p.exitValue()
                            + " before listening on 127.0.0.1:" + port + "; its output is in " + log);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " is not listening on 127.0.0.1:" + port
                            + " after " + START_LIMIT + "; its output is in " + log);
                }
                Thread.sleep(200);
            }
        }
        appendLog("=== listening on " + ports);
    }

    /**
     * Stops the brick with SIGTERM (it must end by itself within {@link #STOP_LIMIT}) or SIGKILL.
     *
     * @throws IllegalStateException if a SIGTERM did not end it in time (it is then killed)
     */
    void stop(Stop how) {
        if (process == null || !process.isAlive()) {
            return;
        }
        stopping = true;
        appendLog("=== stop with SIG" + how);
        if (frozen && how == Stop.TERM) {
            // a stopped process acts on SIGTERM only once continued; SIGKILL needs no help
            try {
                resume();
            } catch (IOException e) {
                throw new IllegalStateException(name + " cannot be resumed to be stopped", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean ended = Processes.signalTree(process.toHandle(), how == Stop.KILL, STOP_LIMIT);
        if (!ended) {
            Processes.signalTree(process.toHandle(), true, Duration.ofSeconds(10));
            throw new IllegalStateException(name + " did not stop within " + STOP_LIMIT + " of SIG" + how);
        }
        // The handle's exit can be seen before the Process has reaped the child: wait for that too.
        try {
            process.waitFor(STOP_LIMIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        frozen = false;
        appendLog("=== stopped, exit status " + (process.isAlive() ? "unknown" : process.exitValue()));
    }

    /**
     * Freezes the brick with SIGSTOP: the process keeps its sockets and its state, answers nothing and
     * notices nothing (no lease renewal, no timer) until {@link #resume}, as a brick in a long GC
     * pause or on a hung machine.
     */
    void freeze() throws IOException, InterruptedException {
        appendLog("=== freeze with SIGSTOP");
        Processes.signalTree(process.toHandle(), "STOP", STOP_LIMIT);
        frozen = true;
    }

    /** Lets a {@link #freeze frozen} brick run again with SIGCONT; it carries on where it stopped. */
    void resume() throws IOException, InterruptedException {
        Processes.signalTree(process.toHandle(), "CONT", STOP_LIMIT);
        frozen = false;
        appendLog("=== resumed with SIGCONT");
    }

    boolean isFrozen() {
        return frozen;
    }

    /** Stops the brick and starts it again with the same command, data and ports. */
    void restart(Stop how) throws IOException, InterruptedException {
        stop(how);
        start();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    String name() {
        return name;
    }

    /** The running process's id (its launcher's, which execs java). */
    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private synchronized void appendLog(String line) {
        try (PrintStream out = new PrintStream(Files.newOutputStream(log,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true,
                StandardCharsets.UTF_8)) {
            out.println(line);
        } catch (IOException e) {
            System.out.println("[" + name + "] cannot write " + log + ": " + e);
        }
    }

    @Override
    public void close() {
        stopping = true;
        if (frozen && process != null && process.isAlive()) {
            // a stopped process acts on SIGTERM only once continued
            try {
                resume();
            } catch (IOException | InterruptedException | IllegalStateException e) {
                System.out.println("[" + name + "] cannot resume before stopping: " + e);
            }
        }
        if (process != null && process.isAlive()) {
            Processes.killTree(process);
        }
    }
}
