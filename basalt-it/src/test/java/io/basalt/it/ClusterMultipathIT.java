package io.basalt.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.api.client.ApiClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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

    private TestCluster cluster;
    private GuestRun guest;

    @AfterEach
    void stopEverything() {
        if (guest != null) {
            guest.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "Linux {0} host, three bricks")
    @FieldSource("KERNELS")
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void linuxHostSeesOneSubsystemWithAPathToEachBrick(String kernel, @TempDir Path tmp) throws Exception {
        LinuxGuest linux = new LinuxGuest(kernel).ensureBuilt();
        cluster = TestCluster.start("cluster", kernel, tmp, BRICKS, LEASE_TTL);
        List<Integer> ioPorts = cluster.ioPorts();
        ApiClient api = cluster.api(0).client();
        String nqn = cluster.subsystemNqn();

        // Three volumes of two replicas: placement spreads their primaries over the three bricks.
        List<String> volumes = new ArrayList<>();
        Set<String> primaries = new HashSet<>();
        for (int i = 1; i <= BRICKS; i++) {
            JsonNode v = api.post("/api/v1/volumes", Map.of("name", "v" + i, "size", "64MiB", "replicas", 2,
                    "hosts", List.of("any"))).json();
            JsonNode placement = v.path("placement");
            String primary = placement.path("primary").asText();
            String replica = placement.path("replicas").get(1).path("brick").asText();
            primaries.add(primary);
            volumes.add(v.path("uuid").asText() + ":" + cluster.ioPort(primary) + ":" + cluster.ioPort(replica));
        }
        assertThat(primaries).as("each brick is primary of one volume").hasSize(BRICKS);

        ClusterRequests requests = new ClusterRequests(cluster);
        guest = linux.boot(LinuxGuest.guestDir().resolve("cluster-multipath.sh"),
                Map.of("BASALT_ADDR", LinuxGuest.HOST_ADDRESS,
                        "BASALT_PORTS", String.join(" ", ioPorts.stream().map(String::valueOf).toList()),
                        "BASALT_NQN", nqn,
                        "BASALT_VOLUMES", String.join(" ", volumes)),
                GUEST_LIMIT, requests);
        int status = guest.awaitExit();

        String verdict = guest.verdict("cluster", List.of("BASALT-CLUSTER"), requests.failures(), status);
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
}
