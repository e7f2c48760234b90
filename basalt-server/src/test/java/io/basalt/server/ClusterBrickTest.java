package io.basalt.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.api.ApiException;
import io.basalt.api.client.ApiClient;
import io.basalt.control.etcd.EtcdCluster;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.ClusterSettings;
import io.basalt.server.config.DataPathConfig;
import io.basalt.server.config.EngineSettings;
import io.basalt.server.config.ServeConfig;
import io.basalt.server.volume.Volume;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Three bricks in one process joined through a real etcd: membership, one subsystem, placement by
 * failure domain, the agents carrying out creates and deletes, leader takeover, and an etcd outage
 * that management feels (503) and I/O does not.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterBrickTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final List<Map<String, String>> DOMAINS = List.of(Map.of("rack", "r1"), Map.of("rack", "r1"),
            Map.of("rack", "r2"));
    private static EtcdCluster etcd;
    private static final List<Brick> bricks = new ArrayList<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        etcd = EtcdCluster.start(1);
        for (int i = 0; i < 3; i++) {
            bricks.add(start("b" + (i + 1), DOMAINS.get(i)));
        }
    }

    @AfterAll
    static void stop() {
        bricks.forEach(b -> {
            if (b != null) {
                b.close();
            }
        });
        if (etcd != null) {
            etcd.close();
        }
    }

    static Brick start(String name, Map<String, String> domains) throws Exception {
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        ClusterSettings cluster = new ClusterSettings(etcd.endpoints(), "test", name, domains, any, TTL,
                Duration.ofHours(1));
        return Brick.start(new ServeConfig(dir.resolve(name), any, null, List.of(),
                new ApiConfig(any, null, null, null, null, null), List.of(), DataPathConfig.DEFAULT,
                EngineSettings.DEFAULT, cluster));
    }

    static ApiClient api(Brick b) {
        return new ApiClient(URI.create("http://127.0.0.1:" + b.apiAddress().getPort()), null);
    }

    static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    static Volume local(Brick b, String name) {
        return b.volumeManager().list().stream().filter(v -> v.metadata().name().equals(name)).findFirst()
                .orElse(null);
    }

    @Test
    @Order(0)
    void aBrickWithItsOwnVolumesDoesNotJoinAndLosesNothing() throws Exception {
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        Path data = dir.resolve("alone");
        try (Brick alone = Brick.start(new ServeConfig(data, any, null, List.of()))) {
            assertThat(alone.volumes()).isNotEmpty();
        }
        ClusterSettings cluster = new ClusterSettings(etcd.endpoints(), "test", "alone", Map.of(), any, TTL,
                Duration.ofHours(1));
        assertThatThrownBy(() -> Brick.start(new ServeConfig(data, any, null, List.of(), ApiConfig.OFF, List.of(),
                DataPathConfig.DEFAULT, EngineSettings.DEFAULT, cluster)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("holds volumes of a brick on its own [vol1]");
        assertThat(data.resolve("volumes/vol1.properties")).exists();
        assertThat(data.resolve("cluster.properties")).doesNotExist();
        assertThat(api(bricks.get(0)).get("/api/v1/bricks").json()).hasSize(3);
    }

    @Test
    @Order(1)
    void everyBrickServesTheOneSubsystemAndSeesTheWholeCluster() throws Exception {
        Set<String> nqns = new HashSet<>();
        Set<Integer> slots = new HashSet<>();
        for (Brick b : bricks) {
            nqns.add(b.target().subsystem().nqn());
            slots.add(b.cluster().member().slot());
        }
        assertThat(nqns).hasSize(1);
        assertThat(slots).hasSize(3);
        await("three active bricks", Duration.ofSeconds(10), () -> {
            try {
                return api(bricks.get(2)).get("/api/v1/cluster").json().path("bricks").path("active").asInt() == 3;
            } catch (IOException e) {
                return false;
            }
        });
        JsonNode cluster = api(bricks.get(1)).get("/api/v1/cluster").json();
        assertThat(cluster.path("mode").asText()).isEqualTo("etcd");
        assertThat(cluster.path("subsystemNqn").asText()).isEqualTo(nqns.iterator().next());
        assertThat(cluster.path("leader").asText()).isIn("b1", "b2", "b3");
        JsonNode list = api(bricks.get(0)).get("/api/v1/bricks").json();
        assertThat(list).hasSize(3);
        assertThat(list.get(2).path("failureDomains").path("rack").asText()).isEqualTo("r2");
        assertThat(list.get(0).path("nvmeAddress").asText()).isEqualTo("127.0.0.1:" + bricks.get(0).ioAddress().getPort());
        // Discovery on each brick lists the two others after its own port.
        for (Brick b : bricks) {
            await("peers of " + nameOf(b), Duration.ofSeconds(10), () -> b.target().subsystem().peerPaths().size() == 2);
            assertThat(b.target().subsystem().peerPaths()).extracting(p -> p.trsvcid())
                    .doesNotContain(b.ioAddress().getPort());
        }
        String metrics = api(bricks.get(0)).get("/metrics").text();
        assertThat(metrics).contains("basalt_cluster_bricks{state=\"active\"} 3.0",
                "basalt_cluster_metadata_reachable 1.0", "basalt_cluster_leader ");
        String leader = cluster.path("leader").asText();
        assertThat(api(bricks.get(Integer.parseInt(leader.substring(1)) - 1)).get("/api/v1/events?type=cluster.leader")
                .json()).isNotEmpty();
        Set<Integer> firstCntlids = new HashSet<>();
        bricks.forEach(b -> firstCntlids.add(b.cluster().member().firstCntlid()));
        assertThat(firstCntlids).hasSize(3);
    }

    @Test
    @Order(2)
    void aVolumeIsPlacedInDistinctFailureDomainsAndCarriedOutByItsBricks() throws Exception {
        ApiClient.Response created = api(bricks.get(0)).post("/api/v1/volumes", Map.of("name", "rv", "size", "64MiB",
                "backend", "ram", "replicas", 2, "failureDomainKey", "rack", "hosts", List.of("any")));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        JsonNode placement = created.json().path("placement");
        List<String> where = new ArrayList<>();
        placement.path("replicas").forEach(r -> where.add(r.path("brick").asText()));
        assertThat(where).hasSize(2).contains("b3");
        String uuid = created.json().path("uuid").asText();
        int nsid = created.json().path("nsid").asInt();
        for (Brick b : bricks) {
            String name = nameOf(b);
            if (where.contains(name)) {
                await("rv on " + name, Duration.ofSeconds(10), () -> local(b, "rv") != null);
                assertThat(local(b, "rv").metadata().uuid().toString()).isEqualTo(uuid);
                assertThat(local(b, "rv").metadata().nsid()).isEqualTo(nsid);
                await("rv's metrics on " + name, Duration.ofSeconds(10), () -> {
                    try {
                        return api(b).get("/metrics").text().contains("basalt_volume_size_bytes{uuid=\"" + uuid + "\"");
                    } catch (IOException e) {
                        return false;
                    }
                });
                assertThat(b.target().subsystem().namespace(nsid)).isNotNull();
                // Only the primary's path takes I/O; the replica's is inaccessible until it becomes primary.
                io.basalt.nvmet.subsystem.AnaState want = name.equals(placement.path("primary").asText())
                        ? io.basalt.nvmet.subsystem.AnaState.OPTIMIZED : io.basalt.nvmet.subsystem.AnaState.INACCESSIBLE;
                await("ANA " + want + " on " + name, Duration.ofSeconds(10),
                        () -> b.target().subsystem().namespace(nsid).anaState() == want);
            } else {
                assertThat(local(b, "rv")).isNull();
            }
        }
        // The same create again is no change; asking for 3 replicas in 2 racks is refused with why.
        assertThat(api(bricks.get(1)).post("/api/v1/volumes", Map.of("name", "rv", "size", "64MiB",
                "backend", "ram", "replicas", 2, "failureDomainKey", "rack", "hosts", List.of("any"))).status())
                .isEqualTo(200);
        assertThatThrownBy(() -> api(bricks.get(1)).post("/api/v1/volumes", Map.of("name", "rv3",
                "size", "64MiB", "backend", "ram", "replicas", 3, "failureDomainKey", "rack")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409))
                .hasMessageContaining("3 distinct failure domains of key 'rack'");

        assertThat(api(bricks.get(2)).delete("/api/v1/volumes/rv").status()).isEqualTo(204);
        for (Brick b : bricks) {
            await("rv gone from " + nameOf(b), Duration.ofSeconds(10), () -> local(b, "rv") == null);
        }
    }

    @Test
    @Order(3)
    void hostAccessAndQosAreTheClustersOnEveryBrick() throws Exception {
        assertThat(api(bricks.get(0)).put("/api/v1/qos-policies/gold", Map.of("readIops", 1000)).status())
                .isEqualTo(201);
        JsonNode v = api(bricks.get(1)).post("/api/v1/volumes", Map.of("name", "q", "size", "32MiB",
                "backend", "ram", "replicas", 2, "qosPolicy", "gold")).json();
        String host = "nqn.2014-08.org.example:h1";
        api(bricks.get(2)).put("/api/v1/volumes/q/hosts/" + host, Map.of());
        List<String> where = new ArrayList<>();
        v.path("placement").path("replicas").forEach(r -> where.add(r.path("brick").asText()));
        for (Brick b : bricks) {
            if (where.contains(nameOf(b))) {
                await("q limited and masked on " + nameOf(b), Duration.ofSeconds(10), () -> local(b, "q") != null
                        && "gold".equals(local(b, "q").metadata().qosPolicy())
                        && local(b, "q").metadata().hosts().allows(host)
                        && local(b, "q").namespace().volume().qos() != null);
            }
        }
        assertThatThrownBy(() -> api(bricks.get(2)).delete("/api/v1/qos-policies/gold"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThat(api(bricks.get(2)).delete("/api/v1/volumes/q").status()).isEqualTo(204);
        assertThat(api(bricks.get(2)).delete("/api/v1/qos-policies/gold").status()).isEqualTo(204);
    }

    @Test
    @Order(4)
    void snapshotsAreTakenByThePrimaryThroughAnyBrick() throws Exception {
        JsonNode v = api(bricks.get(0)).post("/api/v1/volumes", Map.of("name", "snap", "size", "64MiB")).json();
        String primary = v.path("placement").path("primary").asText();
        Brick holder = bricks.get(Integer.parseInt(primary.substring(1)) - 1);
        Brick other = bricks.stream().filter(b -> b != holder).findFirst().orElseThrow();
        await("snap on " + primary, Duration.ofSeconds(10), () -> local(holder, "snap") != null);
        ApiClient.Response taken = api(other).post("/api/v1/volumes/snap/snapshots", Map.of("name", "s1"));
        assertThat(taken.status()).isEqualTo(201);
        assertThat(taken.json().path("name").asText()).isEqualTo("s1");
        assertThat(holder.volumeManager().snapshots().list("snap")).extracting(x -> x.info().name())
                .containsExactly("s1");
        assertThat(api(other).post("/api/v1/volumes/snap/snapshots", Map.of("name", "s1")).status()).isEqualTo(200);
        assertThat(api(bricks.get(2)).get("/api/v1/volumes/snap/snapshots").json().findValuesAsText("name"))
                .containsExactly("s1");
        assertThatThrownBy(() -> api(other).delete("/api/v1/volumes/snap"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409))
                .hasMessageContaining("1 snapshot(s)");
        assertThat(api(other).delete("/api/v1/volumes/snap/snapshots/s1").status()).isEqualTo(204);
        assertThat(holder.volumeManager().snapshots().list("snap")).isEmpty();
        assertThat(api(other).get("/api/v1/volumes/snap/snapshots").json()).isEmpty();
        assertThat(api(other).delete("/api/v1/volumes/snap").status()).isEqualTo(204);
        // A RAM volume cannot have snapshots: the primary says so, and nothing is left asked for.
        api(other).post("/api/v1/volumes", Map.of("name", "ramv", "size", "16MiB", "backend", "ram"));
        assertThatThrownBy(() -> api(other).post("/api/v1/volumes/ramv/snapshots", Map.of("name", "x")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(422))
                .hasMessageContaining("could not take the snapshot");
        assertThat(api(other).delete("/api/v1/volumes/ramv").status()).isEqualTo(204);
    }

    @Test
    @Order(100)
    void withEtcdDownManagementAnswers503AndVolumesStayExported() throws Exception {
        api(bricks.get(0)).post("/api/v1/volumes", Map.of("name", "kept", "size", "64MiB", "backend", "ram",
                "hosts", List.of("any")));
        await("kept placed", Duration.ofSeconds(10), () -> bricks.stream().anyMatch(b -> local(b, "kept") != null));
        Brick holder = bricks.stream().filter(b -> local(b, "kept") != null).findFirst().orElseThrow();
        int nsid = local(holder, "kept").metadata().nsid();
        etcd.member(0).stop();
        try {
            assertThatThrownBy(() -> api(bricks.get(1)).get("/api/v1/volumes"))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503))
                    .hasMessageContaining("cannot be reached");
            java.io.StringWriter err = new java.io.StringWriter();
            assertThat(BasaltMain.run(new java.io.PrintWriter(new java.io.StringWriter(), true),
                    new java.io.PrintWriter(err, true), "volume", "list", "--api",
                    "http://127.0.0.1:" + bricks.get(1).apiAddress().getPort()))
                    .as("the CLI's exit code for a cluster without etcd").isEqualTo(io.basalt.cli.ExitCodes.UNAVAILABLE);
            assertThat(err.toString()).contains("cannot be reached");
            // Longer than the agent's period and the lease: the brick keeps the volume exported.
            Thread.sleep(io.basalt.control.agent.VolumeAgent.RESYNC_MILLIS + TTL.toMillis());
            assertThat(holder.target().subsystem().namespace(nsid)).isNotNull();
            assertThat(local(holder, "kept")).isNotNull();
        } finally {
            etcd.member(0).start();
            etcd.member(0).awaitHealthy();
        }
        await("management back", Duration.ofSeconds(20), () -> {
            try {
                return api(bricks.get(1)).get("/api/v1/volumes").status() == 200;
            } catch (IOException | ApiException e) {
                return false;
            }
        });
        await("three active bricks again", Duration.ofSeconds(20), () -> {
            try {
                return api(bricks.get(2)).get("/api/v1/cluster").json().path("bricks").path("active").asInt() == 3;
            } catch (IOException | ApiException e) {
                return false;
            }
        });
        assertThat(local(holder, "kept")).isNotNull();
    }

    @Test
    @Order(150)
    void aRestartedBrickRejoinsWithItsVolumes() throws Exception {
        awaitActive(3);
        api(bricks.get(0)).post("/api/v1/volumes", Map.of("name", "back", "size", "32MiB", "backend", "ram",
                "replicas", 3, "hosts", List.of("any")));
        for (Brick b : bricks) {
            await("back on " + nameOf(b), Duration.ofSeconds(10), () -> local(b, "back") != null);
        }
        JsonNode v = api(bricks.get(1)).get("/api/v1/volumes/back").json();
        String primary = v.path("placement").path("primary").asText();
        int index = Integer.parseInt(primary.substring(1)) - 1;
        String uuid = v.path("uuid").asText();
        int slot = bricks.get(index).cluster().member().slot();
        bricks.get(index).close();
        Brick again = start(primary, DOMAINS.get(index));
        bricks.set(index, again);
        assertThat(again.cluster().member().slot()).as("the same slot").isEqualTo(slot);
        // RAM volumes come back empty, but they come back: same UUID and NSID. The path is optimized on
        // whichever brick the record names the primary now: if a leader round fell between the close
        // (which revokes the brick's lease) and the restart, another replica took over.
        await("back re-exported on " + primary, Duration.ofSeconds(10), () -> local(again, "back") != null
                && again.target().subsystem().namespace(v.path("nsid").asInt()) != null);
        await("back optimized on its primary", Duration.ofSeconds(10), () -> {
            try {
                String now = api(bricks.get((index + 1) % 3)).get("/api/v1/volumes/back").json().path("placement")
                        .path("primary").asText();
                Brick serving = bricks.get(Integer.parseInt(now.substring(1)) - 1);
                var ns = serving.target().subsystem().namespace(v.path("nsid").asInt());
                return ns != null && ns.anaState() == io.basalt.nvmet.subsystem.AnaState.OPTIMIZED;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        });
        assertThat(local(again, "back").metadata().uuid().toString()).isEqualTo(uuid);
        await("three active bricks", Duration.ofSeconds(10), () -> {
            try {
                return api(again).get("/api/v1/cluster").json().path("bricks").path("active").asInt() == 3;
            } catch (IOException | ApiException e) {
                return false;
            }
        });
        assertThat(api(bricks.get(2)).delete("/api/v1/volumes/back").status()).isEqualTo(204);
    }

    @Test
    @Order(200)
    void whenTheLeaderStopsAnotherBrickLeadsWithinTheLeaseTtl() throws Exception {
        String leader = api(bricks.get(0)).get("/api/v1/cluster").json().path("leader").asText();
        Brick leading = bricks.get(Integer.parseInt(leader.substring(1)) - 1);
        Brick other = bricks.stream().filter(b -> b != leading).findFirst().orElseThrow();
        long start = System.nanoTime();
        leading.close();
        bricks.set(bricks.indexOf(leading), null);
        await("a new leader", TTL.plusSeconds(2), () -> {
            try {
                String now = api(other).get("/api/v1/cluster").json().path("leader").asText();
                return !now.isEmpty() && !now.equals(leader) && !now.equals("null");
            } catch (IOException | ApiException e) {
                return false;
            }
        });
        System.out.printf("leader %s stopped; new leader after %d ms%n", leader, (System.nanoTime() - start) / 1_000_000);
        await("an event of the new leader's judgement", TTL.plusSeconds(5), () -> {
            try {
                return bricks.stream().filter(java.util.Objects::nonNull).anyMatch(b -> {
                    try {
                        return api(b).get("/api/v1/events?type=brick.unreachable").json().size() > 0;
                    } catch (IOException | ApiException e) {
                        return false;
                    }
                });
            } catch (RuntimeException e) {
                return false;
            }
        });
        await(leader + " unreachable", TTL.plusSeconds(5), () -> {
            try {
                return api(other).get("/api/v1/bricks/" + leader).json().path("state").asText().equals("unreachable");
            } catch (IOException | ApiException e) {
                return false;
            }
        });
    }

    @Test
    @Order(300)
    void aBrickGoneForGoodIsRemovedOnceItHoldsNothing() throws Exception {
        int gone = bricks.indexOf(null);
        assertThat(gone).as("the previous test stopped the leader").isNotNegative();
        String name = "b" + (gone + 1);
        Brick other = bricks.get((gone + 1) % 3);
        assertThatThrownBy(() -> api(other).delete("/api/v1/bricks/" + bricks.stream()
                .filter(java.util.Objects::nonNull).map(ClusterBrickTest::nameOf).findFirst().orElseThrow()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409))
                .hasMessageContaining("is active");
        for (JsonNode v : api(other).get("/api/v1/volumes").json().path("items")) {
            for (JsonNode r : v.path("placement").path("replicas")) {
                if (r.path("brick").asText().equals(name)) {
                    assertThatThrownBy(() -> api(other).delete("/api/v1/bricks/" + name))
                            .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409))
                            .hasMessageContaining("holds replicas of");
                    api(other).delete("/api/v1/volumes/" + v.path("name").asText());
                }
            }
        }
        assertThat(api(other).delete("/api/v1/bricks/" + name).status()).isEqualTo(204);
        assertThat(api(other).get("/api/v1/bricks").json()).hasSize(2);
    }

    private static void awaitActive(int n) throws InterruptedException {
        await(n + " active bricks", Duration.ofSeconds(20), () -> {
            try {
                return api(bricks.get(0)).get("/api/v1/bricks").json().findValuesAsText("state").stream()
                        .filter("active"::equals).count() == n;
            } catch (IOException | ApiException e) {
                return false;
            }
        });
    }

    private static String nameOf(Brick b) {
        return "b" + (bricks.indexOf(b) + 1);
    }
}
