package io.basalt.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.api.ApiException;
import io.basalt.api.client.ApiClient;
import io.basalt.initiator.InitiatorConfig;
import io.basalt.initiator.NvmeController;
import io.basalt.initiator.NvmeTcpInitiator;
import io.basalt.server.Brick;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.ServeConfig;
import io.basalt.control.volume.VolumeSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every endpoint over real HTTP on loopback, its errors and its idempotency. */
class ManagementApiTest {
    private static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:aaaaaaaa-0000-0000-0000-000000000001";
    @TempDir
    Path dir;
    private Brick brick;
    private ApiClient api;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        brick = Brick.start(new ServeConfig(dir, new InetSocketAddress("127.0.0.1", 0), null,
                List.of(VolumeSpec.parse("name=boot,size=1MiB,hosts=any,backend=ram")),
                new ApiConfig(new InetSocketAddress("127.0.0.1", 0), null, null, null, null, null)));
        base = URI.create("http://127.0.0.1:" + brick.apiAddress().getPort());
        api = new ApiClient(base, null);
    }

    @AfterEach
    void stop() {
        brick.close();
    }

    private static Map<String, Object> volume(String name, Object size) {
        return Map.of("name", name, "size", size, "hosts", List.of(HOST), "labels", Map.of("app", "db"));
    }

    private HttpResponse<String> raw(String method, String path, String body, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertRefused(ThrowingCall call, int status, String code, String reasonPart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.reason()).contains(reasonPart);
        });
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void shouldShowAHostThatSentAnEmptyNqnAsAnonymous() throws Exception {
        try (NvmeTcpInitiator initiator = new NvmeTcpInitiator(InitiatorConfig.builder().hostNqn("").build());
             NvmeController controller = initiator.connect(brick.ioAddress(), brick.identity().subsystemNqn())) {
            assertThat(controller.activeNamespaces()).containsExactly(1);

            assertThat(api.get("/api/v1/volumes/boot").json().get("connectedHosts").findValuesAsText("hostNqn"))
                    .containsExactly("anonymous");
            assertThat(api.get("/api/v1/events?type=host.connected").json().findValuesAsText("subject"))
                    .containsExactly("anonymous");
        }
    }

    @Test
    void shouldCreateIdempotentlyGetListUpdateAndDeleteAVolume() throws Exception {
        ApiClient.Response created = api.post("/api/v1/volumes", volume("db", "8MiB"));
        ApiClient.Response again = api.post("/api/v1/volumes", volume("db", 8L << 20));
        assertThat(created.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        JsonNode v = created.json();
        assertThat(v.get("uuid").asText()).isEqualTo(again.json().get("uuid").asText());
        assertThat(v.get("nsid").asInt()).isEqualTo(2);
        assertThat(v.get("state").asText()).isEqualTo("online");
        assertThat(v.get("nguid").asText()).isEqualTo(v.get("uuid").asText().replace("-", ""));
        assertThat(v.get("sizeBytes").asLong()).isEqualTo(8L << 20);
        assertThat(v.get("usage").has("physicalBytes")).isTrue();
        assertThat(v.get("backend").asText()).isEqualTo("engine");
        assertThat(v.get("services").get("compression").asText()).isEqualTo("lz4");
        assertThat(v.get("services").get("encryption").asText()).isEqualTo("off");
        JsonNode z = api.post("/api/v1/volumes", Map.of("name", "z", "size", "4MiB", "compression", "zstd",
                "dedup", true)).json();
        assertThat(z.get("services").get("compression").asText()).isEqualTo("zstd");
        assertThat(z.get("services").get("dedup").asBoolean()).isTrue();
        assertThat(api.post("/api/v1/volumes", Map.of("name", "z", "size", "4MiB", "compression", "zstd",
                "dedup", true)).status()).as("same spec again: idempotent").isEqualTo(200);
        assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "z", "size", "4MiB", "compression", "lz4")),
                409, "conflict", "different spec");
        assertThat(api.delete("/api/v1/volumes/z").status()).isEqualTo(204);
        assertThat(v.get("connectedHosts").isArray()).isTrue();
        assertRefused(() -> api.post("/api/v1/volumes", volume("db", "16MiB")), 409, "conflict", "different spec");

        assertThat(api.get("/api/v1/volumes/db").json().get("labels").get("app").asText()).isEqualTo("db");
        assertThat(api.get("/api/v1/volumes/" + v.get("uuid").asText()).json().get("name").asText()).isEqualTo("db");

        JsonNode updated = api.patch("/api/v1/volumes/db", Map.of("size", "16MiB", "name", "orders",
                "labels", Map.of("app", "orders"))).json();
        assertThat(updated.get("name").asText()).isEqualTo("orders");
        assertThat(updated.get("sizeBytes").asLong()).isEqualTo(16L << 20);
        assertRefused(() -> api.patch("/api/v1/volumes/orders", Map.of("size", "8MiB")), 400, "invalid_argument",
                "force");
        assertRefused(() -> api.patch("/api/v1/volumes/orders", Map.of("size", "8MiB", "force", true)), 422,
                "unsupported", "cannot shrink");
        assertRefused(() -> api.patch("/api/v1/volumes/boot", Map.of("size", "8MiB")), 422, "unsupported",
                "ram backend cannot grow");

        assertThat(api.delete("/api/v1/volumes/orders").status()).isEqualTo(204);
        assertRefused(() -> api.get("/api/v1/volumes/orders"), 404, "not_found", "orders");
        assertRefused(() -> api.delete("/api/v1/volumes/orders"), 404, "not_found", "orders");
    }

    @Test
    void shouldSurviveARestart() throws Exception {
        api.put("/api/v1/qos-policies/gold", Map.of("readIops", 100));
        api.post("/api/v1/volumes", Map.of("name", "keep", "size", "4MiB", "hosts", List.of("any"),
                "qosPolicy", "gold"));
        brick.close();
        start();
        JsonNode v = api.get("/api/v1/volumes/keep").json();
        assertThat(v.get("state").asText()).isEqualTo("online");
        assertThat(v.get("qosPolicy").asText()).isEqualTo("gold");
        assertThat(api.get("/api/v1/events?type=volume.created").json().findValuesAsText("subject")).contains("keep");
    }

    @Test
    void shouldFilterAndPageTheVolumeList() throws Exception {
        for (String n : List.of("a1", "a2", "a3", "b1")) {
            api.post("/api/v1/volumes", Map.of("name", n, "size", 4096, "labels", Map.of("g", n.substring(0, 1))));
        }
        JsonNode page1 = api.get("/api/v1/volumes?name=a&limit=2").json();
        assertThat(page1.get("items").findValuesAsText("name")).containsExactly("a1", "a2");
        assertThat(page1.get("total").asInt()).isEqualTo(3);
        String token = page1.get("nextPageToken").asText();
        JsonNode page2 = api.get("/api/v1/volumes?name=a&limit=2&pageToken=" + token).json();
        assertThat(page2.get("items").findValuesAsText("name")).containsExactly("a3");
        assertThat(page2.get("nextPageToken").isNull()).isTrue();
        assertThat(api.get("/api/v1/volumes?label=g%3Db").json().get("items").findValuesAsText("name"))
                .containsExactly("b1");
        assertThat(api.get("/api/v1/volumes?state=online&host=" + HOST).json().get("items")
                .findValuesAsText("name")).containsExactly("boot");
        assertRefused(() -> api.get("/api/v1/volumes?limit=0"), 400, "invalid_argument", "limit");
        assertRefused(() -> api.get("/api/v1/volumes?state=sleepy"), 400, "invalid_argument", "state");
        assertRefused(() -> api.get("/api/v1/volumes?pageToken=!!!"), 400, "invalid_argument", "");
    }

    @Test
    void shouldAllowAndRevokeHostsIdempotently() throws Exception {
        api.post("/api/v1/volumes", Map.of("name", "db", "size", "1MiB"));
        String path = "/api/v1/volumes/db/hosts/" + ApiClient.encode(HOST);
        assertThat(api.put(path, null).json().get("hosts").findValuesAsText("")).isEmpty();
        assertThat(api.put(path, null).json().get("hosts").get(0).asText()).isEqualTo(HOST);
        assertThat(api.delete(path).json().get("hosts").size()).isZero();
        assertThat(api.delete(path).json().get("hosts").size()).isZero();
        assertRefused(() -> api.put("/api/v1/volumes/db/hosts/not-an-nqn", null), 400, "invalid_argument", "NQN");
        assertRefused(() -> api.delete("/api/v1/volumes/boot/hosts/" + ApiClient.encode(HOST)), 409, "conflict",
                "any host");
        assertRefused(() -> api.put("/api/v1/volumes/nope/hosts/" + ApiClient.encode(HOST), null), 404,
                "not_found", "nope");
    }

    @Test
    void shouldManageQosPolicies() throws Exception {
        assertThat(api.put("/api/v1/qos-policies/silver", Map.of("writeIops", 50, "iopsPerGib", 10)).status())
                .isEqualTo(201);
        assertThat(api.put("/api/v1/qos-policies/silver", Map.of("writeIops", 60)).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/qos-policies/silver").json().get("writeIops").asLong()).isEqualTo(60);
        api.post("/api/v1/volumes", Map.of("name", "db", "size", "1MiB", "qosPolicy", "silver"));
        assertThat(api.get("/api/v1/qos-policies").json().get(0).get("volumes").get(0).asText()).isEqualTo("db");
        assertRefused(() -> api.delete("/api/v1/qos-policies/silver"), 409, "conflict", "used by");
        api.patch("/api/v1/volumes/db", Map.of("qosPolicy", ""));
        assertThat(api.delete("/api/v1/qos-policies/silver").status()).isEqualTo(204);
        assertRefused(() -> api.get("/api/v1/qos-policies/silver"), 404, "not_found", "silver");
        assertRefused(() -> api.put("/api/v1/qos-policies/bad", Map.of("readIops", -1)), 400, "invalid_argument",
                "negative");
        assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "x", "size", "1MiB", "qosPolicy", "nope")),
                400, "invalid_argument", "no QoS policy");
    }

    @Test
    void shouldRefuseBadInputWithJsonErrorsNeverA500() throws Exception {
        assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "bad/name", "size", "1MiB")), 400,
                "invalid_argument", "invalid volume name");
        assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "x", "size", "lots")), 400,
                "invalid_argument", "invalid size");
        assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "x", "size", 1000)), 400,
                "invalid_argument", "multiple");
        assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "x", "size", -4096)), 400,
                "invalid_argument", "");
        assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "x", "size", "1MiB", "hosts",
                List.of("nqn.bad"))), 400, "invalid_argument", "NQN");
        assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "x", "size", "1MiB", "sise", 1)), 400,
                "invalid_argument", "unknown field 'sise'");
        assertRefused(() -> api.post("/api/v1/volumes", Map.of("size", "1MiB")), 400, "invalid_argument", "name");
        assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "x", "size", "1MiB", "compression", "gzip")),
                400, "invalid_argument", "lz4, zstd or off");
        assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "x", "size", "1MiB", "backend", "ram",
                "compression", "zstd")), 400, "invalid_argument", "need backend=engine");
        assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "x", "size", "1MiB", "encryption", "rot13")),
                400, "invalid_argument", "aes-xts or off");
        assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "x", "size", "1MiB", "encryption", "aes-xts")),
                422, "unsupported", "--kek-file");
        assertRefused(() -> api.post("/api/v1/volumes", Map.of("name", "x", "size", "1MiB", "blockSize", 1000)),
                400, "invalid_argument", "block-size");

        HttpResponse<String> malformed = raw("POST", "/api/v1/volumes", "{\"name\": ", "application/json");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("\"code\"", "malformed JSON");
        assertThat(raw("POST", "/api/v1/volumes", "[1,2]", "application/json").statusCode()).isEqualTo(400);
        assertThat(raw("POST", "/api/v1/volumes", "null", "application/json").statusCode()).isEqualTo(400);
        assertThat(raw("POST", "/api/v1/volumes", null, null).statusCode()).isEqualTo(400);
        assertThat(raw("POST", "/api/v1/volumes", "name=x", "text/plain").statusCode()).isEqualTo(415);
        HttpResponse<String> wrongMethod = raw("PUT", "/api/v1/volumes", "{}", "application/json");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET, POST");
        assertThat(raw("GET", "/api/v2/nothing", null, null).statusCode()).isEqualTo(404);
        assertThat(raw("POST", "/api/v1/volumes", "{\"name\":\"x\",\"size\":\"" + "9".repeat(2 << 20) + "\"}",
                "application/json").statusCode()).isEqualTo(413);
    }

    @Test
    void shouldServeBrickInfoEventsHealthMetricsAndOpenApi() throws Exception {
        JsonNode info = api.get("/api/v1/brick").json();
        assertThat(info.get("subsystemNqn").asText()).isEqualTo(brick.identity().subsystemNqn());
        assertThat(info.get("endpoints").findValuesAsText("kind")).containsExactly("nvme-tcp", "api");
        assertThat(info.get("capacity").get("totalBytes").asLong()).isPositive();
        assertThat(info.get("versions").get("java").asText()).startsWith("25");

        api.post("/api/v1/volumes", Map.of("name", "db", "size", "1MiB"));
        JsonNode events = api.get("/api/v1/events").json();
        assertThat(events.findValuesAsText("type")).contains("brick.started", "volume.created");
        long last = events.get(events.size() - 1).get("id").asLong();
        assertThat(api.get("/api/v1/events?after=" + last).json().size()).isZero();

        assertThat(api.get("/health").json().get("status").asText()).isEqualTo("ok");
        String metrics = api.get("/metrics").text();
        assertThat(metrics).contains("basalt_volume_reads_total{uuid=", "volume=\"db\"", "basalt_pool_capacity_bytes",
                "basalt_volume_latency_seconds_bucket", "basalt_keepalive_expiries_total", "basalt_controllers");

        byte[] served = api.get("/openapi.yaml").body();
        Path docs = Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("openapi.yaml");
        assertThat(served).isEqualTo(Files.readAllBytes(docs));
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldDocumentExactlyTheServedRoutes() throws Exception {
        Path docs = Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("openapi.yaml");
        Map<String, Object> doc = new org.yaml.snakeyaml.Yaml().load(Files.readString(docs));
        java.util.Set<String> documented = new java.util.TreeSet<>();
        ((Map<String, Map<String, Object>>) doc.get("paths")).forEach((path, ops) -> ops.keySet().stream()
                .filter(k -> !k.equals("parameters")).forEach(m -> documented.add(m.toUpperCase() + " " + path)));
        java.util.Set<String> served = new java.util.TreeSet<>();
        io.basalt.api.http.ApiRoutes.router(brick.service()).routes()
                .forEach(r -> served.add(r.method() + " " + r.template()));
        assertThat(documented).isEqualTo(served);
    }

    @Test
    void shouldExportEveryMetricTheGrafanaDashboardUses() throws Exception {
        Path dashboard = Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("grafana/basalt.json");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("basalt_[a-z_]+").matcher(Files.readString(dashboard));
        String metrics = api.get("/metrics").text();
        int used = 0;
        while (m.find()) {
            assertThat(metrics).as("metric %s", m.group()).contains("\n" + m.group());
            used++;
        }
        assertThat(used).isGreaterThan(10);
    }

    @Test
    void shouldWarnWhenAVolumeOverCommitsTheEnginePoolAndRecordOneEventPerCrossing() throws Exception {
        assertThat(api.post("/api/v1/volumes", Map.of("name", "small", "size", "1MiB")).json().get("warnings"))
                .isEmpty();
        long usable = brick.pool().stats().usableBytes();
        assertThat(api.get("/api/v1/brick").json().get("capacity").get("overcommitRatio").asDouble()).isLessThan(1);

        JsonNode big = api.post("/api/v1/volumes", Map.of("name", "big", "size", "500TiB")).json();
        assertThat(big.get("warnings")).singleElement().satisfies(w -> assertThat(w.asText())
                .contains("over-committed", "500 TiB", "CAPACITY_EXCEEDED"));
        assertThat(api.patch("/api/v1/volumes/small", Map.of("size", "2MiB")).json().get("warnings"))
                .as("growing a volume of an over-committed pool").hasSize(1);
        assertThat(api.get("/api/v1/volumes/big").json().get("warnings")).as("reads carry none").isEmpty();
        JsonNode events = api.get("/api/v1/events?type=pool.overcommitted").json();
        assertThat(events).as("one event per crossing").hasSize(1);
        assertThat(events.get(0).get("severity").asText()).isEqualTo("warning");
        assertThat(events.get(0).get("message").asText()).containsPattern("over-committed [0-9.]+:1");

        double ratio = (double) ((500L << 40) + (2L << 20)) / usable;
        assertThat(api.get("/api/v1/brick").json().get("capacity").get("overcommitRatio").asDouble())
                .isCloseTo(ratio, org.assertj.core.data.Percentage.withPercentage(0.001));
        assertThat(api.get("/metrics").text()).containsPattern("\nbasalt_pool_overcommit_ratio [1-9][0-9.E]+\n");

        api.delete("/api/v1/volumes/big");
        api.post("/api/v1/volumes", Map.of("name", "big-again", "size", "500TiB"));
        assertThat(api.get("/api/v1/events?type=pool.overcommitted").json()).as("a second crossing").hasSize(2);
    }
}
