package io.basalt.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.api.client.ApiClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proof of replication and failover with the stock Linux host: native multipath on an RF3 and an
 * RF2 volume of three replicating bricks and one etcd, fio with crc32c verification while the test
 * kills the primary brick with SIGKILL (twice in a row on the RF3 volume, once on the RF2 one), starts it
 * again and has it catch up on only the regions it missed, and freezes a primary with SIGSTOP until
 * another brick leads, then lets it run again: fio must see no error and read back every write it
 * was acknowledged, and the replicas compare identical. The guest side is
 * {@code src/test/guest/cluster-failover.sh}; the test's side of its requests is {@link FailoverRequests}.
 * One guest boot per kernel; {@code -Dbasalt.it.kernels=6.12} runs one kernel only.
 */
class ClusterFailoverIT {
    static final Duration GUEST_LIMIT = Duration.ofSeconds(600);
    static final Duration LEASE_TTL = Duration.ofSeconds(3);
    static final int BRICKS = 3;
    static final String VOLUME_SIZE = "256MiB";
    /** Regions a returning replica may copy: fio writes 32 MiB, 512 regions of 64 KiB; the rest is slack. */
    static final long MAX_RESYNC_REGIONS = 600;
    static final List<String> STEPS = List.of("connect-all", "failover-rf3", "resync-changed-only", "failover-again",
            "resync-again", "rf2-stays-writable", "rf2-rejoins", "split-brain-freeze", "all-healthy");
    static final List<String> REQUESTS = List.of("kill-primary f3", "restart-killed f3", "kill-primary f3",
            "restart-killed f3", "kill-primary f2", "restart-killed f2", "freeze-primary f3", "verify f3", "heal",
            "verify f3", "verify f2");
    static final String PAUSE_METRIC = "BASALT-METRIC failover-pause-ms ";
    static final String RESYNC_METRIC = "BASALT-METRIC resync-regions ";

    private TestCluster cluster;
    private GuestRun guest;

    static List<String> kernels() {
        return KernelTargetIT.kernels();
    }

    @AfterEach
    void stopEverything() {
        if (guest != null) {
            guest.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "Linux {0} host, three bricks, primaries killed and frozen")
    @MethodSource("kernels")
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void hostSeesNoErrorAndLosesNoWriteWhenPrimariesFail(String kernel, @TempDir Path tmp) throws Exception {
        LinuxGuest linux = new LinuxGuest(kernel).ensureBuilt();
        cluster = TestCluster.start("failover", kernel, tmp, BRICKS, LEASE_TTL);
        ApiClient api = cluster.api(0).client();
        List<String> volumes = new ArrayList<>();
        for (Map.Entry<String, Integer> v : List.of(Map.entry("f3", 3), Map.entry("f2", 2))) {
            JsonNode created = api.post("/api/v1/volumes", Map.of("name", v.getKey(), "size", VOLUME_SIZE,
                    "replicas", v.getValue(), "hosts", List.of("any"))).json();
            assertThat(created.path("placement").path("replicas")).as("placement of " + created).hasSize(v.getValue());
            volumes.add(v.getKey() + ":" + created.path("uuid").asText() + ":" + v.getValue());
        }

        FailoverRequests requests = new FailoverRequests(cluster, List.of("f3", "f2"));
        guest = linux.boot(LinuxGuest.guestDir().resolve("cluster-failover.sh"),
                Map.of("BASALT_ADDR", LinuxGuest.HOST_ADDRESS,
                        "BASALT_PORT", Integer.toString(cluster.ioPorts().getFirst()),
                        "BASALT_NQN", cluster.subsystemNqn(),
                        "BASALT_BRICKS", Integer.toString(BRICKS),
                        "BASALT_VOLUMES", String.join(" ", volumes)),
                GUEST_LIMIT, requests);
        int status = guest.awaitExit();

        List<Long> pauses = metric(guest, PAUSE_METRIC);
        List<Long> regions = metric(guest, RESYNC_METRIC);
        String verdict = guest.verdict("failover", List.of("BASALT-CLUSTER", "BASALT-METRIC"), requests.failures(),
                status) + "\n" + summary(kernel, pauses, regions, requests.takeoverMillis());
        System.out.println(verdict);
        assertThat(requests.failures()).as(verdict).isEmpty();
        assertThat(guest.linesStartingWith("BASALT-FAIL ")).as(verdict).isEmpty();
        assertThat(STEPS.stream().filter(s -> !guest.hasLine("BASALT-PASS " + s)).toList())
                .as("steps that did not pass\n" + verdict).isEmpty();
        assertThat(requests.done()).as(verdict).containsExactlyElementsOf(REQUESTS);
        assertThat(pauses).as("one I/O pause per kill or freeze\n" + verdict).hasSize(4);
        assertThat(regions).as("regions copied to each returning replica: only what fio changed\n" + verdict)
                .hasSize(3).allSatisfy(n -> assertThat(n).isBetween(1L, MAX_RESYNC_REGIONS));
        assertThat(status).as("guest exit status\n" + verdict).isZero();
    }

    private static List<Long> metric(GuestRun guest, String prefix) {
        return guest.linesStartingWith(prefix).stream().map(l -> l.substring(prefix.length()).trim())
                .filter(v -> v.matches("\\d+")).map(Long::parseLong).toList();
    }

    private static String summary(String kernel, List<Long> pauses, List<Long> regions, List<Long> takeovers) {
        return "=== failover, Linux " + kernel + ": longest write (I/O pause) " + percentiles(pauses)
                + "; kill/freeze to new primary " + percentiles(takeovers) + "; regions resynced " + regions;
    }

    /** "p50 N ms, max M ms (all)" of a few samples; p50 is the lower middle one. */
    static String percentiles(List<Long> millis) {
        if (millis.isEmpty()) {
            return "(none)";
        }
        List<Long> sorted = millis.stream().sorted().toList();
        return "p50 " + sorted.get((sorted.size() - 1) / 2) + " ms, max " + sorted.getLast() + " ms " + millis;
    }
}
