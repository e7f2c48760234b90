package io.basalt.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.api.client.ApiClient;
import io.basalt.initiator.bench.BenchCommand;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.DataPathConfig;
import io.basalt.server.config.EngineSettings;
import io.basalt.server.config.ServeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data dir written by the brick before the restructure for the cluster (main at e22a61b) opens
 * unchanged: the same subsystem NQN, every volume with its NSID and UUID, its QoS policy, its
 * snapshot and clone, and every block the old brick acknowledged reads back over NVMe/TCP. The
 * fixture, {@code fixtures/datadir-v1.zip}, was made by {@code src/test/fixtures/make-datadir-v1.sh}
 * (which says what it holds); it must never be regenerated with newer code, or it would stop
 * testing what it is for.
 */
class DataDirFixtureTest {
    @TempDir
    Path dir;

    private final Map<String, String[]> ids = new LinkedHashMap<>();
    private String subsystemNqn;

    /** Each test gets its own copy: opening a data dir writes to it. */
    @BeforeEach
    void unpack() throws IOException {
        try (InputStream in = DataDirFixtureTest.class.getResourceAsStream("/fixtures/datadir-v1.zip");
             ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                Path p = dir.resolve(e.getName()).normalize();
                assertThat(p).startsWithRaw(dir);
                if (e.isDirectory()) {
                    Files.createDirectories(p);
                } else {
                    Files.createDirectories(p.getParent());
                    Files.copy(zip, p);
                }
            }
        }
        // zip keeps no modes; the brick refuses a key file others may read
        Files.setPosixFilePermissions(dir.resolve("kek"), PosixFilePermissions.fromString("rw-------"));
        for (String line : Files.readAllLines(dir.resolve("ids.txt"))) {
            String[] f = line.split(" ");
            if (f[0].equals("subsystem")) {
                subsystemNqn = f[1];
            } else {
                ids.put(f[0], new String[] {f[1], f[2]});
            }
        }
        assertThat(ids).containsOnlyKeys("db", "sec", "flat", "copy");
    }

    private Brick start() throws Exception {
        ServeConfig c = new ServeConfig(dir.resolve("data"), new InetSocketAddress("127.0.0.1", 0), null, List.of(),
                new ApiConfig(new InetSocketAddress("127.0.0.1", 0), null, null, null, null, null),
                List.of(dir.resolve("pool.img")), DataPathConfig.DEFAULT,
                new EngineSettings(dir.resolve("kek"), null, 0, 0));
        return Brick.start(c);
    }

    @Test
    void shouldOpenTheOldDataDirWithEveryVolumeSnapshotAndAcknowledgedWrite() throws Exception {
        try (Brick brick = start()) {
            ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + brick.apiAddress().getPort()), null);
            assertThat(brick.identity().subsystemNqn()).isEqualTo(subsystemNqn);
            for (var e : ids.entrySet()) {
                JsonNode v = api.get("/api/v1/volumes/" + e.getKey()).json();
                assertThat(v.get("nsid").asText()).as("NSID of %s", e.getKey()).isEqualTo(e.getValue()[0]);
                assertThat(v.get("uuid").asText()).as("UUID of %s", e.getKey()).isEqualTo(e.getValue()[1]);
                assertThat(v.get("state").asText()).as("state of %s", e.getKey()).isEqualTo("online");
            }
            assertThat(api.get("/api/v1/volumes/db").json().get("qosPolicy").asText()).isEqualTo("slow");
            assertThat(api.get("/api/v1/volumes/sec").json().get("services").toString())
                    .contains("zstd", "aes-xts");
            assertThat(api.get("/api/v1/volumes/db/snapshots").json().findValuesAsText("name")).containsExactly("s1");

            int port = brick.ioAddress().getPort();
            verify(port, "db", "db.log");
            verify(port, "copy", "s1.log");
            verify(port, "sec", "sec.log");
            verify(port, "flat", "flat.log");
        }
    }

    @Test
    void shouldIssueANewVolumeAnNsidTheOldDataDirNeverUsed() throws Exception {
        try (Brick brick = start()) {
            ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + brick.apiAddress().getPort()), null);
            JsonNode created = api.post("/api/v1/volumes", Map.of("name", "fresh", "size", "4MiB", "hosts", List.of("any")))
                    .json();
            int highestOld = ids.values().stream().mapToInt(v -> Integer.parseInt(v[0])).max().orElseThrow();
            assertThat(created.get("nsid").asInt()).isGreaterThan(highestOld);
        }
    }

    /** Reads back every write the old brick acknowledged to this volume, as its bench log recorded them. */
    private void verify(int port, String volume, String log) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BenchCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), "--target",
                "127.0.0.1:" + port, "--nqn", subsystemNqn, "--nsid", ids.get(volume)[0], "--verify-only",
                "--verify-log", dir.resolve(log).toString(), "--bs", "4k", "--rw", "read", "--iodepth", "4");
        assertThat(code).as("%s against %s:%n%s%n%s", log, volume, out, err).isZero();
        assertThat(out.toString()).as(volume).containsPattern("verify-only: [1-9]\\d* units").contains("0 LOST or corrupt");
    }
}
