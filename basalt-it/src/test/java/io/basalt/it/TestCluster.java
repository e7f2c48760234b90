package io.basalt.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.basalt.api.ApiException;
import io.basalt.api.client.ApiClient;
import io.basalt.control.etcd.EtcdCluster;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One real etcd and bricks {@code b1..bN}, each {@code ./basalt serve --cluster-etcd} in its own process on
 * loopback ports of its own (NVMe/TCP, management, replication), in failure domains {@code rack=r1..rN}. What the cluster ITs share: starting it,
 * reaching a brick's management API, waiting for a condition, stopping everything.
 */
final class TestCluster implements AutoCloseable {
    static final String NAME = "it";
    static final Duration ACTIVE_LIMIT = Duration.ofSeconds(30);

    private final EtcdCluster etcd;
    private final List<BrickProcess> bricks;
    private final List<Integer> ioPorts;
    private final List<Integer> apiPorts;
    private final Duration leaseTtl;

    private TestCluster(EtcdCluster etcd, List<BrickProcess> bricks, List<Integer> ioPorts, List<Integer> apiPorts,
                        Duration leaseTtl) {
        this.etcd = etcd;
        this.bricks = bricks;
        this.ioPorts = ioPorts;
        this.apiPorts = apiPorts;
        this.leaseTtl = leaseTtl;
    }

    /**
     * Starts etcd and {@code count} bricks and waits until all of them are active. Brick {@code bI} logs to
     * {@code <it-logs>/<logPrefix>-bI-linux-<kernel>.log} and keeps its data under {@code dataRoot/bI}.
     */
    static TestCluster start(String logPrefix, String kernel, Path dataRoot, int count, Duration leaseTtl)
            throws Exception {
        EtcdCluster etcd = EtcdCluster.start(1);
        List<BrickProcess> bricks = new ArrayList<>();
        List<Integer> ioPorts = new ArrayList<>();
        List<Integer> apiPorts = new ArrayList<>();
        TestCluster cluster = new TestCluster(etcd, bricks, ioPorts, apiPorts, leaseTtl);
        try {
            for (int i = 1; i <= count; i++) {
                int io = BrickProcess.freePort();
                int api = BrickProcess.freePort();
                // bricks on one machine would otherwise all take the default replication port
                int replicationPort = BrickProcess.freePort();
                List<String> args = List.of(
                        "--data-dir", Files.createDirectories(dataRoot.resolve("b" + i)).toString(),
                        "--listen", "127.0.0.1:" + io, "--discovery-listen", "none",
                        "--api-listen", "127.0.0.1:" + api,
                        "--cluster-etcd", etcd.endpoints().getFirst().toString(), "--cluster-name", NAME,
                        "--brick-name", "b" + i, "--failure-domain", "rack=r" + i,
                        // the guest reaches this machine's loopback as 10.0.2.2: discovery must say so
                        "--advertise", LinuxGuest.HOST_ADDRESS + ":" + io,
                        "--cluster-lease-ttl", leaseTtl.toSeconds() + "s",
                        "--replication-listen", "127.0.0.1:" + replicationPort);
                Path log = LinuxHostInteropIT.logDir().resolve(logPrefix + "-b" + i + "-linux-" + kernel + ".log");
                Files.deleteIfExists(log);
                BrickProcess b = BrickProcess.serve("b" + i, log, List.of(io, api, replicationPort), args);
                ioPorts.add(io);
                apiPorts.add(api);
                bricks.add(b);
                b.start();
            }
            await(count + " active bricks", ACTIVE_LIMIT,
                    () -> cluster.api(0).json("/api/v1/cluster").path("bricks").path("active").asInt() == count);
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    EtcdCluster etcd() {
        return etcd;
    }

    List<BrickProcess> bricks() {
        return bricks;
    }

    BrickProcess brick(String name) {
        return bricks.get(indexOf(name));
    }

    /** {@code b3} → 2. */
    static int indexOf(String brickName) {
        return Integer.parseInt(brickName.substring(1)) - 1;
    }

    List<Integer> ioPorts() {
        return ioPorts;
    }

    List<Integer> apiPorts() {
        return apiPorts;
    }

    int ioPort(String brickName) {
        return ioPorts.get(indexOf(brickName));
    }

    Duration leaseTtl() {
        return leaseTtl;
    }

    /** The cluster's one subsystem NQN. */
    String subsystemNqn() {
        return api(0).json("/api/v1/cluster").path("subsystemNqn").asText();
    }

    /** Brick {@code index}'s management API (0 is b1). */
    Api api(int index) {
        return new Api(new ApiClient(URI.create("http://127.0.0.1:" + apiPorts.get(index)), null));
    }

    /** Requests that turn a refusal into its status, and an unreachable brick into a missing answer. */
    record Api(ApiClient client) {
        int status(String path) {
            try {
                return client.get(path).status();
            } catch (ApiException e) {
                return e.status();
            } catch (IOException e) {
                return -1;
            }
        }

        JsonNode json(String path) {
            try {
                return client.get(path).json();
            } catch (ApiException | IOException e) {
                return MissingNode.getInstance();
            }
        }
    }

    interface Check {
        boolean holds() throws Exception;
    }

    /** Polls {@code check} every 100 ms until it holds; throws, naming {@code what}, once {@code within} passed. */
    static void await(String what, Duration within, Check check) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within " + within + ": " + what);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        bricks.forEach(BrickProcess::close);
        etcd.close();
    }
}
