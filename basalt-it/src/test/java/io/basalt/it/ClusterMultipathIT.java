package io.basalt.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.api.client.ApiClient;
import io.basalt.control.etcd.EtcdCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stock Linux host with native multipath against a cluster of three bricks ({@code ./basalt serve
 * --cluster-etcd}, each its own process) and one real etcd: discovery on one brick lists all three,
 * {@code nvme connect-all} gives one subsystem with three controllers, each volume one block device whose
 * path through its primary is ANA optimized and through its replica inaccessible, fio verify on the
 * volumes whose primaries are each brick in turn, I/O that does not notice etcd being killed and
 * restarted, and a new leader after the leading brick is killed. The guest side is
 * {@code src/test/guest/cluster-multipath.sh}.
 */
class ClusterMultipathIT {
    static final Duration GUEST_LIMIT = Duration.ofSeconds(420);
    static final Duration LEASE_TTL = Duration.ofSeconds(3);
    static final int BRICKS = 3;
    static final List<String> STEPS = List.of("discover-lists-every-brick", "connect-all-one-subsystem",
            "each-namespace-once", "ana-states-as-designed", "fio-verify-each-primary", "io-survives-etcd-restart",
            "leader-takeover");
    static final List<String> KERNELS = LinuxGuest.KERNELS;

    private EtcdCluster etcd;
    private final List<BrickProcess> bricks = new ArrayList<>();
    private GuestRun guest;

    @AfterEach
    void stopEverything() {
        if (guest != null) {
            guest.close();
        }
        bricks.forEach(BrickProcess::close);
        if (etcd != null) {
            etcd.close();
        }
    }

    @ParameterizedTest(name = "Linux {0} host, three bricks")
    @FieldSource("KERNELS")
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void linuxHostSeesOneSubsystemWithAPathToEachBrick(String kernel, @TempDir Path tmp) throws Exception {
        LinuxGuest linux = new LinuxGuest(kernel).ensureBuilt();
        etcd = EtcdCluster.start(1);
        List<Integer> ioPorts = new ArrayList<>();
        List<Integer> apiPorts = new ArrayList<>();
        for (int i = 1; i <= BRICKS; i++) {
            int io = BrickProcess.freePort();
            int api = BrickProcess.freePort();
            ioPorts.add(io);
            apiPorts.add(api);
            Path log = LinuxHostInteropIT.logDir().resolve("cluster-b" + i + "-linux-" + kernel + ".log");
            Files.deleteIfExists(log);
            BrickProcess b = BrickProcess.serve("b" + i, log, List.of(io, api), List.of(
                    "--data-dir", Files.createDirectories(tmp.resolve("b" + i)).toString(),
                    "--listen", "127.0.0.1:" + io, "--discovery-listen", "none",
                    "--api-listen", "127.0.0.1:" + api,
                    "--cluster-etcd", etcd.endpoints().getFirst().toString(), "--cluster-name", "it",
                    "--brick-name", "b" + i, "--failure-domain", "rack=r" + i,
                    // the guest reaches this machine's loopback as 10.0.2.2: discovery must say so
                    "--advertise", LinuxGuest.HOST_ADDRESS + ":" + io,
                    "--cluster-lease-ttl", LEASE_TTL.toSeconds() + "s"));
            bricks.add(b);
            b.start();
        }
        ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + apiPorts.getFirst()), null);
        ClusterRequests.await("three active bricks", Duration.ofSeconds(30),
                () -> api.get("/api/v1/cluster").json().path("bricks").path("active").asInt() == BRICKS);
        String nqn = api.get("/api/v1/cluster").json().path("subsystemNqn").asText();

        // Three volumes of two replicas: placement spreads their primaries over the three bricks.
        Map<String, Integer> portOf = new LinkedHashMap<>();
        for (int i = 0; i < BRICKS; i++) {
            portOf.put("b" + (i + 1), ioPorts.get(i));
        }
        List<String> volumes = new ArrayList<>();
        Set<String> primaries = new HashSet<>();
        for (int i = 1; i <= BRICKS; i++) {
            JsonNode v = api.post("/api/v1/volumes", Map.of("name", "v" + i, "size", "64MiB", "replicas", 2,
                    "hosts", List.of("any"))).json();
            JsonNode placement = v.path("placement");
            String primary = placement.path("primary").asText();
            String replica = placement.path("replicas").get(1).path("brick").asText();
            primaries.add(primary);
            volumes.add(v.path("uuid").asText() + ":" + portOf.get(primary) + ":" + portOf.get(replica));
        }
        assertThat(primaries).as("each brick is primary of one volume").hasSize(BRICKS);

        ClusterRequests requests = new ClusterRequests(etcd.member(0), bricks, apiPorts, LEASE_TTL);
        guest = linux.boot(LinuxGuest.guestDir().resolve("cluster-multipath.sh"),
                Map.of("BASALT_ADDR", LinuxGuest.HOST_ADDRESS,
                        "BASALT_PORTS", String.join(" ", ioPorts.stream().map(String::valueOf).toList()),
                        "BASALT_NQN", nqn,
                        "BASALT_VOLUMES", String.join(" ", volumes)),
                GUEST_LIMIT, requests);
        int status = guest.awaitExit();

        String verdict = verdict(guest, requests, status);
        System.out.println(verdict);
        assertThat(requests.failures()).as(verdict).isEmpty();
        assertThat(guest.linesStartingWith("BASALT-FAIL ")).as(verdict).isEmpty();
        assertThat(STEPS.stream().filter(s -> !guest.hasLine("BASALT-PASS " + s)).toList())
                .as("steps that did not pass\n" + verdict).isEmpty();
        assertThat(requests.done()).as(verdict).containsExactly("etcd-restart", "kill-leader");
        assertThat(requests.leaderTakeoverMillis()).as("new leader within the lease TTL and etcd's expiry check")
                .isBetween(0L, LEASE_TTL.toMillis() + 2_000);
        assertThat(status).as("guest exit status\n" + verdict).isZero();
    }

    private static String verdict(GuestRun guest, ClusterRequests requests, int status) {
        StringBuilder s = new StringBuilder("=== cluster, Linux " + guest.console().stream()
                .filter(l -> l.startsWith(GuestRun.READY_MARKER)).findFirst().orElse("(guest never got ready)") + "\n");
        for (String line : guest.console()) {
            if (line.startsWith("BASALT-PASS ") || line.startsWith("BASALT-FAIL ") || line.startsWith("BASALT-WHY ")
                    || line.startsWith("BASALT-CLUSTER")) {
                s.append("  ").append(line).append('\n');
            }
        }
        requests.failures().forEach(f -> s.append("  request failed: ").append(f).append('\n'));
        s.append("  run-guest.sh exit status ").append(status);
        return s.toString();
    }
}
