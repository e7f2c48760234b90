package io.basalt.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.api.client.ApiClient;
import io.basalt.initiator.InitiatorConfig;
import io.basalt.initiator.NamespaceInfo;
import io.basalt.initiator.NvmeController;
import io.basalt.initiator.NvmeTcpInitiator;
import io.basalt.server.Brick;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.ServeConfig;
import io.basalt.control.volume.VolumeSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Snapshots, clones, rollback and changed-block tracking through the REST API, with the data
 * written and read back by a host over NVMe/TCP.
 */
class SnapshotApiTest {
    private static final String HOST = "nqn.2026-01.io.basalt:snapshot-test";
    @TempDir
    Path dir;
    private Brick brick;
    private ApiClient api;
    private NvmeTcpInitiator initiator;
    private NvmeController controller;

    @BeforeEach
    void start() throws Exception {
        brick = Brick.start(new ServeConfig(dir, new InetSocketAddress("127.0.0.1", 0), null,
                List.of(VolumeSpec.parse("name=boot,size=1MiB,hosts=any,backend=ram")),
                new ApiConfig(new InetSocketAddress("127.0.0.1", 0), null, null, null, null, null)));
        api = new ApiClient(URI.create("http://127.0.0.1:" + brick.apiAddress().getPort()), null);
        initiator = new NvmeTcpInitiator(InitiatorConfig.builder().hostNqn(HOST).build());
    }

    @AfterEach
    void stop() {
        if (controller != null) {
            controller.close();
        }
        initiator.close();
        brick.close();
    }

    private static byte[] block(int fill) {
        byte[] b = new byte[4096];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    private void write(int nsid, long lba, byte[] data) throws Exception {
        NamespaceInfo ns = controller.identifyNamespace(nsid);
        controller.ioQueue(0).writeAsync(ns, lba, 1, Unpooled.wrappedBuffer(data)).get(10, TimeUnit.SECONDS);
    }

    private byte[] read(int nsid, long lba) throws Exception {
        NamespaceInfo ns = controller.identifyNamespace(nsid);
        ByteBuf b = Unpooled.buffer(4096);
        controller.ioQueue(0).readAsync(ns, lba, 1, b).get(10, TimeUnit.SECONDS);
        byte[] out = new byte[4096];
        b.getBytes(0, out);
        return out;
    }

    @Test
    void shouldSnapshotCloneDiffRollBackAndDeleteInAnyOrder() throws Exception {
        int db = api.post("/api/v1/volumes", Map.of("name", "db", "size", "8MiB", "hosts", List.of("any")))
                .json().get("nsid").asInt();
        controller = initiator.connect(brick.ioAddress(), brick.identity().subsystemNqn());
        write(db, 0, block(0xA1));

        ApiClient.Response taken = api.post("/api/v1/volumes/db/snapshots", Map.of("name", "s1"));
        assertThat(taken.status()).isEqualTo(201);
        assertThat(taken.json().get("volume").asText()).isEqualTo("db");
        assertThat(taken.json().get("sizeBytes").asLong()).isEqualTo(8L << 20);
        assertThat(api.post("/api/v1/volumes/db/snapshots", Map.of("name", "s1")).status())
                .as("the same snapshot again: idempotent").isEqualTo(200);

        write(db, 0, block(0xB2));
        write(db, 5, block(0xC3));
        JsonNode diff = api.get("/api/v1/volumes/db/snapshots/s1/diff").json();
        assertThat(diff.get("ranges").toString()).isEqualTo("[{\"lba\":0,\"blocks\":1},{\"lba\":5,\"blocks\":1}]");
        assertThat(diff.get("nextLba").asLong()).isEqualTo(-1);
        JsonNode page = api.get("/api/v1/volumes/db/snapshots/s1/diff?limit=1").json();
        assertThat(page.get("ranges")).hasSize(1);
        assertThat(page.get("nextLba").asLong()).as("paged: the next range starts at 5").isEqualTo(5);

        JsonNode clone = api.post("/api/v1/volumes", Map.of("name", "c", "fromSnapshot", "db@s1", "hosts",
                List.of("any"))).json();
        assertThat(clone.get("sizeBytes").asLong()).isEqualTo(8L << 20);
        assertThat(clone.get("services").get("compression").asText()).isEqualTo("lz4");
        int c = clone.get("nsid").asInt();
        assertThat(read(c, 0)).as("the clone holds the snapshot's data").isEqualTo(block(0xA1));
        assertThat(read(c, 5)).isEqualTo(new byte[4096]);
        write(c, 1, block(0xD4));
        assertThat(read(db, 1)).as("writes to the clone stay in the clone").isEqualTo(new byte[4096]);

        JsonNode rolled = api.post("/api/v1/volumes/db/rollback", Map.of("snapshot", "s1")).json();
        assertThat(rolled.get("name").asText()).isEqualTo("db");
        assertThat(read(db, 0)).as("rolled back").isEqualTo(block(0xA1));
        assertThat(read(db, 5)).isEqualTo(new byte[4096]);
        assertThat(api.get("/api/v1/events?type=volume.rolled-back").json()).hasSize(1);

        assertThat(api.get("/api/v1/volumes/db/snapshots").json()).hasSize(1);
        ManagementApiTest.assertRefused(() -> api.delete("/api/v1/volumes/db"), 409, "conflict", "snapshot");
        assertThat(api.delete("/api/v1/volumes/db?snapshots=delete").status()).isEqualTo(204);
        assertThat(read(c, 0)).as("the clone outlives its origin and the snapshot").isEqualTo(block(0xA1));
        assertThat(read(c, 1)).isEqualTo(block(0xD4));
    }

    @Test
    void shouldExportASnapshotReadOnlyToHosts() throws Exception {
        int db = api.post("/api/v1/volumes", Map.of("name", "db", "size", "4MiB", "hosts", List.of("any")))
                .json().get("nsid").asInt();
        controller = initiator.connect(brick.ioAddress(), brick.identity().subsystemNqn());
        write(db, 3, block(0x5A));
        api.post("/api/v1/volumes/db/snapshots", Map.of("name", "s"));
        write(db, 3, block(0x6B));

        JsonNode export = api.post("/api/v1/volumes", Map.of("name", "db-backup", "fromSnapshot", "db@s",
                "readOnly", true, "hosts", List.of("any"))).json();
        assertThat(export.get("readOnly").asBoolean()).isTrue();
        int e = export.get("nsid").asInt();
        assertThat(read(e, 3)).as("the export reads the snapshot").isEqualTo(block(0x5A));
        assertThatThrownBy(() -> write(e, 3, block(0x7C)))
                .hasRootCauseInstanceOf(io.basalt.initiator.NvmeStatusException.class)
                .rootCause().satisfies(t -> assertThat(((io.basalt.initiator.NvmeStatusException) t).status() & 0x7FF)
                        .as("Namespace Is Write Protected").isEqualTo(io.basalt.nvme.Status.NAMESPACE_WRITE_PROTECTED));
        assertThat(read(e, 3)).isEqualTo(block(0x5A));
        ManagementApiTest.assertRefused(() -> api.delete("/api/v1/volumes/db/snapshots/s"), 409, "conflict",
                "db-backup");
        ManagementApiTest.assertRefused(() -> api.patch("/api/v1/volumes/db-backup", Map.of("size", "8MiB")), 422,
                "unsupported", "read-only");
        assertThat(api.delete("/api/v1/volumes/db-backup").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/volumes/db/snapshots/s").status()).as("the snapshot stays").isEqualTo(200);
        assertThat(api.delete("/api/v1/volumes/db/snapshots/s").status()).isEqualTo(204);
    }

    private void restartBrick() throws Exception {
        brick.close();
        brick = Brick.start(new ServeConfig(dir, new InetSocketAddress("127.0.0.1", 0), null,
                List.of(VolumeSpec.parse("name=boot,size=1MiB,hosts=any,backend=ram")),
                new ApiConfig(new InetSocketAddress("127.0.0.1", 0), null, null, null, null, null)));
        api = new ApiClient(URI.create("http://127.0.0.1:" + brick.apiAddress().getPort()), null);
    }

    @Test
    void shouldCreateACloneIdempotentlyAlsoAfterARestart() throws Exception {
        api.post("/api/v1/volumes", Map.of("name", "db", "size", "4MiB"));
        api.post("/api/v1/volumes/db/snapshots", Map.of("name", "nightly"));
        api.post("/api/v1/volumes/db/snapshots", Map.of("name", "weekly"));
        Map<String, Object> copy = Map.of("name", "copy", "fromSnapshot", "db@nightly", "hosts", List.of("any"));

        ApiClient.Response created = api.post("/api/v1/volumes", copy);
        ApiClient.Response again = api.post("/api/v1/volumes", copy);

        assertThat(created.status()).isEqualTo(201);
        assertThat(again.status()).as("the same clone again: idempotent").isEqualTo(200);
        assertThat(again.json().get("uuid").asText()).isEqualTo(created.json().get("uuid").asText());
        assertThat(api.post("/api/v1/volumes", Map.of("name", "copy", "fromSnapshot", "db@nightly", "hosts",
                List.of("any"), "size", "4MiB")).status()).as("the snapshot's size, given").isEqualTo(200);
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "copy",
                "fromSnapshot", "db@weekly", "hosts", List.of("any"))), 409, "conflict", "db@nightly, not db@weekly");
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "copy",
                "fromSnapshot", "db@nightly")), 409, "conflict", "hosts");
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "copy",
                "fromSnapshot", "db@nightly", "hosts", List.of("any"), "size", "8MiB")), 409, "conflict", "size");
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "copy", "size", "4MiB",
                "hosts", List.of("any"))), 409, "conflict", "a clone of db@nightly, not a new volume");
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "copy",
                "fromSnapshot", "db@nightly", "hosts", List.of("any"), "readOnly", true)), 409, "conflict",
                "not a read-only export");
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "db",
                "fromSnapshot", "db@nightly")), 409, "conflict", "a new volume, not a clone");

        restartBrick();

        ApiClient.Response afterRestart = api.post("/api/v1/volumes", copy);
        assertThat(afterRestart.status()).as("the clone's source survives a restart").isEqualTo(200);
        assertThat(afterRestart.json().get("uuid").asText()).isEqualTo(created.json().get("uuid").asText());
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "copy",
                "fromSnapshot", "db@weekly", "hosts", List.of("any"))), 409, "conflict", "db@nightly, not db@weekly");

        assertThat(api.delete("/api/v1/volumes/db/snapshots/nightly").status()).isEqualTo(204);
        api.post("/api/v1/volumes/db/snapshots", Map.of("name", "nightly"));
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", copy), 409, "conflict", "retaken");
    }

    @Test
    void shouldAnswerARetriedCloneAfterItsSnapshotAndVolumeAreDeleted() throws Exception {
        api.post("/api/v1/volumes", Map.of("name", "db", "size", "4MiB"));
        api.post("/api/v1/volumes/db/snapshots", Map.of("name", "nightly"));
        api.post("/api/v1/volumes/db/snapshots", Map.of("name", "weekly"));
        Map<String, Object> copy = Map.of("name", "copy", "fromSnapshot", "db@nightly", "hosts", List.of("any"));
        String uuid = api.post("/api/v1/volumes", copy).json().get("uuid").asText();

        assertThat(api.delete("/api/v1/volumes/db/snapshots/nightly").status()).isEqualTo(204);
        ApiClient.Response retried = api.post("/api/v1/volumes", copy);

        assertThat(retried.status()).as("a retry after the snapshot is gone").isEqualTo(200);
        assertThat(retried.json().get("uuid").asText()).isEqualTo(uuid);
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "copy",
                "fromSnapshot", "db@weekly", "hosts", List.of("any"))), 409, "conflict", "db@nightly, not db@weekly");
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "copy",
                "fromSnapshot", "db@monthly", "hosts", List.of("any"))), 409, "conflict",
                "a clone of db@nightly, not a clone of db@monthly");
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "copy",
                "fromSnapshot", "db@nightly")), 409, "conflict", "hosts");
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "copy",
                "fromSnapshot", "db@nightly", "hosts", List.of("any"), "size", "8MiB")), 409, "conflict", "size");

        assertThat(api.delete("/api/v1/volumes/db?snapshots=delete").status()).isEqualTo(204);
        ApiClient.Response afterVolume = api.post("/api/v1/volumes", copy);

        assertThat(afterVolume.status()).as("a retry after the snapshot's volume is gone").isEqualTo(200);
        assertThat(afterVolume.json().get("uuid").asText()).isEqualTo(uuid);
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "copy",
                "fromSnapshot", "db@weekly", "hosts", List.of("any"))), 409, "conflict", "not a clone of db@weekly");
    }

    @Test
    void shouldExportASnapshotIdempotentlyAlsoAfterARestart() throws Exception {
        api.post("/api/v1/volumes", Map.of("name", "db", "size", "4MiB"));
        api.post("/api/v1/volumes/db/snapshots", Map.of("name", "s"));
        api.post("/api/v1/volumes/db/snapshots", Map.of("name", "t"));
        Map<String, Object> backup = Map.of("name", "backup", "fromSnapshot", "db@s", "readOnly", true,
                "labels", Map.of("purpose", "backup"));

        ApiClient.Response created = api.post("/api/v1/volumes", backup);
        assertThat(created.status()).isEqualTo(201);
        assertThat(api.post("/api/v1/volumes", backup).status()).as("the same export again").isEqualTo(200);
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "backup",
                "fromSnapshot", "db@t", "readOnly", true, "labels", Map.of("purpose", "backup"))), 409, "conflict",
                "db@s, not db@t");
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "backup",
                "fromSnapshot", "db@s", "readOnly", true)), 409, "conflict", "labels");
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "backup",
                "fromSnapshot", "db@s", "labels", Map.of("purpose", "backup"))), 409, "conflict",
                "a read-only export of db@s, not a clone");

        restartBrick();

        ApiClient.Response afterRestart = api.post("/api/v1/volumes", backup);
        assertThat(afterRestart.status()).isEqualTo(200);
        assertThat(afterRestart.json().get("uuid").asText()).isEqualTo(created.json().get("uuid").asText());
    }

    @Test
    void shouldRefuseBadSnapshotRequestsWithReasons() throws Exception {
        api.post("/api/v1/volumes", Map.of("name", "db", "size", "4MiB"));
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes/boot/snapshots", Map.of("name", "x")), 422,
                "unsupported", "backend engine");
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes/db/snapshots", Map.of("name", "bad/name")),
                400, "invalid_argument", "snapshot name");
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes/nope/snapshots", Map.of("name", "x")), 404,
                "not_found", "nope");
        ManagementApiTest.assertRefused(() -> api.get("/api/v1/volumes/db/snapshots/none"), 404, "not_found", "none");
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "c",
                "fromSnapshot", "db")), 400, "invalid_argument", "VOLUME@SNAPSHOT");
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "c",
                "fromSnapshot", "db@none")), 404, "not_found", "none");
        api.post("/api/v1/volumes/db/snapshots", Map.of("name", "s"));
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "c",
                "fromSnapshot", "db@s", "size", "1MiB")), 400, "invalid_argument", "at least");
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "c",
                "fromSnapshot", "db@s", "encryption", "aes-xts")), 400, "invalid_argument", "data services");
        ManagementApiTest.assertRefused(() -> api.post("/api/v1/volumes/db/rollback", Map.of("snapshot", "none")),
                404, "not_found", "none");
        assertThat(api.delete("/api/v1/volumes/db/snapshots/s").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/volumes/db/snapshots").json()).isEmpty();
    }
}
