package io.basalt.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.api.client.ApiClient;
import io.basalt.block.BlockStore;
import io.basalt.block.IoStatus;
import io.basalt.block.testing.HostIo;
import io.basalt.control.etcd.EtcdCluster;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.ClusterSettings;
import io.basalt.server.config.DataPathConfig;
import io.basalt.server.config.EngineSettings;
import io.basalt.server.config.ServeConfig;
import io.basalt.server.volume.Volume;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three bricks in one process with a real etcd, one volume of three replicas: every acknowledged
 * write is on every replica; the primary's brick stops and an in-sync replica takes over under a new
 * epoch; the old primary returns and gets exactly the regions written while it was away; the replicas
 * compare equal. (The same against the real Linux host, with kill -9 and SIGSTOP, is
 * ClusterFailoverIT in basalt-it.)
 */
class ReplicationClusterTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final int REGION = 64 * 1024;
    private final List<Brick> bricks = new ArrayList<>();
    private EtcdCluster etcd;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        bricks.forEach(b -> {
            if (b != null) {
                b.close();
            }
        });
        if (etcd != null) {
            etcd.close();
        }
    }

    private Brick start(String name) throws Exception {
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        ClusterSettings cluster = new ClusterSettings(etcd.endpoints(), "repl", name, Map.of("rack", name), any, TTL,
                Duration.ofHours(1));
        return Brick.start(new ServeConfig(dir.resolve(name), any, null, List.of(),
                new ApiConfig(any, null, null, null, null, null), List.of(), DataPathConfig.DEFAULT,
                EngineSettings.DEFAULT, cluster));
    }

    private static ApiClient api(Brick b) {
        return new ApiClient(URI.create("http://127.0.0.1:" + b.apiAddress().getPort()), null);
    }

    private static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static Volume local(Brick b, String name) {
        return b.volumeManager().list().stream().filter(v -> v.metadata().name().equals(name)).findFirst()
                .orElse(null);
    }

    private static JsonNode placement(Brick b, String volume) {
        try {
            return api(b).get("/api/v1/volumes/" + volume).json().path("placement");
        } catch (IOException | RuntimeException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    private Brick named(String name) {
        return bricks.stream().filter(b -> b != null && name.equals(brickName(b))).findFirst().orElseThrow();
    }

    private static String brickName(Brick b) {
        return b.dataDir().getFileName().toString();
    }

    /** Writes a region through the store the volume's namespace exports; the status it completed with. */
    private static int write(BlockStore exported, int region, int fill) throws Exception {
        HostIo io = HostIo.write((long) region * REGION, REGION, fill);
        exported.submit(io);
        return io.await();
    }

    private static byte[] read(BlockStore store, long offset, int length) throws Exception {
        HostIo io = HostIo.read(offset, length);
        store.submit(io);
        assertThat(io.await()).isEqualTo(IoStatus.OK);
        byte[] out = new byte[length];
        io.buffer().getBytes(0, out);
        return out;
    }

    private static long metric(Brick b, String name, String volume, String replica) throws IOException {
        String text = api(b).get("/metrics").text();
        Matcher m = Pattern.compile("^" + name + "\\{[^}]*replica=\"" + replica + "\"[^}]*volume=\"" + volume
                + "\"[^}]*} ([0-9.Ee+]+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void writesReachEveryReplicaAndSurviveTheLossOfThePrimary() throws Exception {
        etcd = EtcdCluster.start(1);
        for (int i = 1; i <= 3; i++) {
            bricks.add(start("b" + i));
        }
        Brick any = bricks.getFirst();
        await("three active bricks", Duration.ofSeconds(15), () -> {
            try {
                return api(any).get("/api/v1/cluster").json().path("bricks").path("active").asInt() == 3;
            } catch (IOException e) {
                return false;
            }
        });
        api(any).post("/api/v1/volumes", Map.of("name", "r3", "size", "16MiB", "replicas", 3, "hosts", List.of("any")));
        String first = placement(any, "r3").path("primary").asText();
        await("the volume on every brick", Duration.ofSeconds(15),
                () -> bricks.stream().allMatch(b -> local(b, "r3") != null));

        // Every write acknowledged by the primary is on every replica.
        BlockStore exported = local(named(first), "r3").namespace().volume().store();
        await("the primary serving", Duration.ofSeconds(15), () -> {
            try {
                return write(exported, 0, 1) == IoStatus.OK;
            } catch (Exception e) {
                return false;
            }
        });
        for (int region = 0; region < 16; region++) {
            assertThat(write(exported, region, 0x10 + region)).isEqualTo(IoStatus.OK);
        }
        assertThat(placement(any, "r3").path("health").asText()).as("no replica dropped").isEqualTo("healthy");
        byte[] expected = read(local(named(first), "r3").store(), 0, 16 * REGION);
        for (Brick b : bricks) {
            assertThat(read(local(b, "r3").store(), 0, 16 * REGION)).as("replica on " + brickName(b))
                    .isEqualTo(expected);
        }

        // The primary's brick goes: an in-sync replica takes over under the next epoch.
        Brick gone = named(first);
        bricks.set(bricks.indexOf(gone), null);
        gone.close();
        Brick survivor = bricks.stream().filter(b -> b != null).findFirst().orElseThrow();
        await("another primary", Duration.ofSeconds(15), () -> {
            JsonNode p = placement(survivor, "r3");
            return !p.path("primary").asText(first).equals(first) && p.path("epoch").asLong() == 2;
        });
        String second = placement(survivor, "r3").path("primary").asText();
        BlockStore taken = local(named(second), "r3").namespace().volume().store();
        await("the new primary serving", Duration.ofSeconds(15), () -> {
            try {
                return write(taken, 3, 0x33) == IoStatus.OK;
            } catch (Exception e) {
                return false;
            }
        });
        // Five distinct regions written while the old primary is away (region 3 twice).
        for (int region : new int[] {3, 7, 8, 12, 15}) {
            assertThat(write(taken, region, 0x40 + region)).isEqualTo(IoStatus.OK);
        }
        assertThat(placement(survivor, "r3").path("health").asText()).isEqualTo("degraded");

        // It returns and gets exactly those five regions, then is in sync again.
        int index = Integer.parseInt(first.substring(1)) - 1;
        bricks.set(index, start(first));
        await("the volume healthy again", Duration.ofSeconds(30),
                () -> "healthy".equals(placement(survivor, "r3").path("health").asText()));
        // The rejoin is recorded before the resync reports itself done: wait for the report, then count.
        await("the resync reported done", Duration.ofSeconds(10), () -> {
            try {
                return metric(named(second), "basalt_replication_resyncs_completed_total", "r3", first) == 1;
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(metric(named(second), "basalt_replication_resync_regions_total", "r3", first)).isEqualTo(5);
        byte[] now = read(local(named(second), "r3").store(), 0, 16 * REGION);
        assertThat(read(local(named(first), "r3").store(), 0, 16 * REGION)).isEqualTo(now);

        JsonNode verify = api(survivor).post("/api/v1/volumes/r3/verify", Map.of()).json();
        assertThat(verify.path("identical").asBoolean()).as(verify.toString()).isTrue();
        assertThat(verify.path("replicas")).hasSize(2);

        // Planned: the primary moves back to the returned brick, in sync again.
        JsonNode moved = api(survivor).post("/api/v1/volumes/r3/move", Map.of("to", first)).json();
        assertThat(moved.path("placement").path("primary").asText()).isEqualTo(first);
        assertThat(moved.path("placement").path("epoch").asLong()).isEqualTo(3);
        BlockStore back = local(named(first), "r3").namespace().volume().store();
        await("the moved primary serving", Duration.ofSeconds(10), () -> {
            try {
                return write(back, 9, 0x99) == IoStatus.OK;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(write(taken, 10, 0x77)).as("the old primary refuses host writes").isEqualTo(
                IoStatus.PATH_UNAVAILABLE);
        // A hand-over keeps the old primary in sync: nothing to resync.
        assertThat(placement(survivor, "r3").path("health").asText()).isEqualTo("healthy");

        JsonNode drained = api(survivor).post("/api/v1/bricks/" + first + "/drain", Map.of()).json();
        assertThat(drained.path("moved")).hasSize(1);
        assertThat(drained.path("notMoved")).isEmpty();
        assertThat(placement(survivor, "r3").path("primary").asText()).isNotEqualTo(first);

        // Its disk replaced (a new data dir): it must not come back with empty copies counted in sync.
        Brick drainedBrick = named(first);
        bricks.set(bricks.indexOf(drainedBrick), null);
        drainedBrick.close();
        deleteTree(dir.resolve(first));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> start(first))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("holds replicas of [r3] in the cluster, but this data dir is new");
        assertThat(dir.resolve(first).resolve("cluster.properties")).doesNotExist();
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = java.nio.file.Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }
}
