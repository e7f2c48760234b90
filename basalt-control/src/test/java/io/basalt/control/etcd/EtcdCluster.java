package io.basalt.control.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Real etcd members for tests: {@code EtcdCluster.start(1)} or {@code start(3)}, on free loopback
 * ports, each member's data in a temporary directory. {@link #close()} kills every member and
 * deletes the directories (keeping the members' logs in {@code target/etcd-logs/}); a JVM shutdown hook does the same if a test run dies before it, so no
 * etcd outlives the tests. Use it in try-with-resources or from {@code @AfterAll}.
 *
 * <p>etcd must be installed ({@code apt-get install etcd-server}); without it {@link #start} fails
 * the test saying so.
 */
public final class EtcdCluster implements AutoCloseable {
    private final Path root;
    private final List<EtcdProcess> members;
    private final Thread cleanupOnExit;

    private EtcdCluster(Path root, List<EtcdProcess> members) {
        this.root = root;
        this.members = members;
        this.cleanupOnExit = Thread.ofPlatform().unstarted(this::destroy);
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    }

    /** Starts {@code size} members forming one cluster and waits until every one is healthy. */
    public static EtcdCluster start(int size) throws IOException, InterruptedException {
        EtcdProcess.etcdBinary();
        Path root = Files.createTempDirectory("basalt-etcd-");
        List<EtcdProcess> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String name = "etcd" + i;
            members.add(new EtcdProcess(name, freePort(), freePort(), root.resolve(name), root.resolve(name + ".log")));
        }
        String initial = members.stream().map(m -> m.name() + "=" + m.peerUrl()).collect(Collectors.joining(","));
        EtcdCluster cluster = new EtcdCluster(root, members);
        try {
            for (EtcdProcess m : members) {
                m.initialCluster(initial);
                m.start();
            }
            for (EtcdProcess m : members) {
                m.awaitHealthy();
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public EtcdProcess member(int index) {
        return members.get(index);
    }

    public List<EtcdProcess> members() {
        return List.copyOf(members);
    }

    /** Every member's client URL, what a store is given as its endpoints. */
    public List<URI> endpoints() {
        return members.stream().map(EtcdProcess::clientUrl).toList();
    }

    /** Kills every member and deletes their data. */
    @Override
    public void close() {
        destroy();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException exiting) {
            // The hook is running or has run.
        }
    }

    private void destroy() {
        for (EtcdProcess m : members) {
            try {
                m.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        keepLogs();
        deleteTree(root);
    }

    /** The members' logs outlive the cluster in {@code target/etcd-logs/}, for a failed test's post-mortem. */
    private void keepLogs() {
        Path target = Path.of("target");
        if (!Files.isDirectory(target)) {
            return;
        }
        try {
            Path kept = Files.createDirectories(target.resolve("etcd-logs").resolve(root.getFileName()));
            for (EtcdProcess m : members) {
                Path log = root.resolve(m.name() + ".log");
                if (Files.exists(log)) {
                    Files.copy(log, kept.resolve(m.name() + ".log"));
                }
            }
        } catch (IOException e) {
            // Only a convenience: the cleanup goes on.
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
