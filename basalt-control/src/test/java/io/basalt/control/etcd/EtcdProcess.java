package io.basalt.control.etcd;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real {@code etcd} member for tests, on loopback ports, with its data in a directory the
 * {@link EtcdCluster} owns. It can be stopped (SIGTERM), killed (SIGKILL) and started again on the
 * same ports and data, which is how the tests take etcd away and bring it back.
 */
public final class EtcdProcess {
    /** Where Debian's {@code etcd-server} package puts it. */
    static final Path DEBIAN_ETCD = Path.of("/usr/bin/etcd");
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(20);

    private final String name;
    private final int clientPort;
    private final int peerPort;
    private final Path dataDir;
    private final Path log;
    private String initialCluster;
    private Process process;

    EtcdProcess(String name, int clientPort, int peerPort, Path dataDir, Path log) {
        this.name = name;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.dataDir = dataDir;
        this.log = log;
    }

    public String name() {
        return name;
    }

    /** {@code http://127.0.0.1:PORT}, what clients connect to. */
    public URI clientUrl() {
        return URI.create("http://127.0.0.1:" + clientPort);
    }

    URI peerUrl() {
        return URI.create("http://127.0.0.1:" + peerPort);
    }

    void initialCluster(String members) {
        this.initialCluster = members;
    }

    /** Starts the member (again, after a stop or kill, on the same ports and data); does not wait. */
    public synchronized void start() throws IOException {
        if (isRunning()) {
            throw new IllegalStateException(name + " is running");
        }
        List<String> command = new ArrayList<>(List.of(etcdBinary().toString(),
                "--name", name,
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", clientUrl().toString(),
                "--advertise-client-urls", clientUrl().toString(),
                "--listen-peer-urls", peerUrl().toString(),
                "--initial-advertise-peer-urls", peerUrl().toString(),
                "--initial-cluster", initialCluster,
                "--initial-cluster-token", "basalt-test",
                "--initial-cluster-state", "new",
                "--logger", "zap"));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Waits until the member answers {@code /health} with a leader in its cluster. */
    public void awaitHealthy() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            HttpRequest health = HttpRequest.newBuilder(clientUrl().resolve("/health")).timeout(Duration.ofSeconds(2))
                    .build();
            while (System.nanoTime() < deadline) {
                Process p = process;
                if (p == null || !p.isAlive()) {
                    throw new IOException(name + " exited: see " + log + "\n" + tail());
                }
                try {
                    HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
                        return;
                    }
                } catch (IOException notYet) {
                    // Not listening yet.
                }
                Thread.sleep(50); // polling interval, not synchronisation: the deadline bounds it
            }
        }
        throw new IOException(name + " not healthy within " + HEALTHY_WITHIN + ": see " + log + "\n" + tail());
    }

    /** SIGKILL: the member vanishes mid-whatever, as in a crash. */
    public synchronized void kill() throws InterruptedException {
        end(true);
    }

    /** SIGTERM and wait: an orderly shutdown. */
    public synchronized void stop() throws InterruptedException {
        end(false);
    }

    /** Stops (SIGTERM) and starts again on the same ports and data, then waits until healthy. */
    public void restart() throws IOException, InterruptedException {
        stop();
        start();
        awaitHealthy();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    private void end(boolean kill) throws InterruptedException {
        Process p = process;
        if (p == null) {
            return;
        }
        if (kill) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The etcd binary: on PATH, else Debian's; a missing one fails the test saying how to install it. */
    static Path etcdBinary() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "etcd"))) {
                return Path.of(dir, "etcd");
            }
        }
        if (Files.isExecutable(DEBIAN_ETCD)) {
            return DEBIAN_ETCD;
        }
        throw new AssertionError("etcd is not installed (not on PATH nor at " + DEBIAN_ETCD
                + "): install it with `apt-get install etcd-server`");
    }
}
