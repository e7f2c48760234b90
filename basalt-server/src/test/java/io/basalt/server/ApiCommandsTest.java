package io.basalt.server;

import io.basalt.cli.ExitCodes;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.ServeConfig;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI against a real brick's API: output formats and exit codes. It lives with the daemon, not in
 * basalt-cli, because it starts a brick in-process and runs the real {@code basalt} command.
 */
class ApiCommandsTest {
    private static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:aaaaaaaa-0000-0000-0000-000000000001";
    @TempDir
    Path dir;
    private Brick brick;
    private String url;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        brick = Brick.start(new ServeConfig(dir, new InetSocketAddress("127.0.0.1", 0), null, List.of(),
                new ApiConfig(new InetSocketAddress("127.0.0.1", 0), null, null, null, null, null)));
        url = "http://127.0.0.1:" + brick.apiAddress().getPort();
    }

    @AfterEach
    void stop() {
        brick.close();
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--api";
        all[args.length + 1] = url;
        return BasaltMain.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
    }

    @Test
    void shouldManageAVolumeWithTablesJsonAndReliableExitCodes() {
        assertThat(run("volume", "create", "db", "--size", "4MiB", "--hosts", HOST, "--label", "app=db")).isZero();
        assertThat(out.toString()).startsWith("NAME").contains("db", "4MiB", HOST);
        assertThat(run("volume", "create", "db", "--size", "4MiB", "--hosts", HOST, "--label", "app=db")).isZero();
        assertThat(run("volume", "create", "db", "--size", "8MiB")).isEqualTo(ExitCodes.CONFLICT);
        assertThat(err.toString()).contains("different spec", "409 conflict");
        assertThat(run("volume", "create", "x", "--size", "huge")).isEqualTo(ExitCodes.USAGE);

        assertThat(run("volume", "list", "-o", "json")).isZero();
        assertThat(out.toString()).contains("\"name\" : \"db\"");
        assertThat(run("volume", "get", "db")).isZero();
        assertThat(out.toString()).contains("nsid:", "uuid:");
        assertThat(run("volume", "get", "nope")).isEqualTo(ExitCodes.NOT_FOUND);

        assertThat(run("host", "revoke", "db", HOST)).isZero();
        assertThat(run("host", "allow", "db", "garbage")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("qos", "set", "gold", "--read-iops", "100", "--write-bps", "10MiB")).isZero();
        assertThat(run("volume", "update", "db", "--size", "8MiB", "--qos-policy", "gold")).isZero();
        assertThat(run("volume", "update", "db", "--size", "4MiB", "--force")).isEqualTo(ExitCodes.UNSUPPORTED);
        assertThat(run("qos", "delete", "gold")).isEqualTo(ExitCodes.CONFLICT);
        assertThat(run("info")).isZero();
        assertThat(out.toString()).contains(brick.identity().subsystemNqn());
        assertThat(run("events", "--type", "volume.")).isZero();
        assertThat(out.toString()).contains("volume.created");
        assertThat(run("volume", "delete", "db")).isZero();
        assertThat(run("volume", "list", "-o", "yaml")).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void shouldPrintOverCommitWarningsOnStderrAndStillSucceed() {
        assertThat(run("volume", "create", "huge", "--size", "500TiB")).isZero();
        assertThat(out.toString()).startsWith("NAME").contains("huge").doesNotContain("warning");
        assertThat(err.toString()).startsWith("basalt: warning: the engine pool is over-committed");
        assertThat(run("volume", "update", "huge", "--size", "600TiB", "-o", "json")).isZero();
        assertThat(out.toString()).contains("\"warnings\"", "over-committed");
        assertThat(err.toString()).contains("warning: the engine pool is over-committed");
        assertThat(run("volume", "create", "tiny", "--size", "1MiB", "--backend", "file")).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(run("info")).isZero();
        assertThat(out.toString()).contains("overcommitRatio");
    }

    @Test
    void aLoneBrickAnswersAsAClusterOfOne() {
        assertThat(run("cluster", "status")).isZero();
        assertThat(out.toString()).contains("mode:            single-brick", "leader:          local",
                brick.target().subsystem().nqn());
        assertThat(run("brick", "list")).isZero();
        assertThat(out.toString()).startsWith("NAME").contains("local", "active");
        assertThat(run("brick", "get", "nope")).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(err.toString()).contains("runs without a cluster");
        assertThat(run("volume", "create", "two", "--size", "4MiB", "--replicas", "2")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--cluster-etcd");
        // A lone brick is in no failure domain: a volume allowed only in some cannot be placed.
        assertThat(run("volume", "create", "near", "--size", "4MiB", "--allowed-domain", "zone=a,rack=r1"))
                .isEqualTo(ExitCodes.CONFLICT);
        assertThat(err.toString()).contains("409 placement_impossible", "no failure domains", "{zone=a, rack=r1}");
        assertThat(run("volume", "create", "near", "--size", "4MiB", "--allowed-domain", "zone")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("volume", "create", "near", "--size", "4MiB", "--preferred-domain", "zone=a")).isZero();
    }

    @Test
    void shouldSayWhenTheApiCannotBeReached() {
        url = "http://127.0.0.1:1";
        assertThat(run("info")).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(err.toString()).startsWith("basalt: cannot reach the API at http://127.0.0.1:1: ")
                .containsIgnoringCase("connection refused");
    }

    @Test
    void shouldRefuseABadRateAsAUsageErrorWhileTheApiIsUp() {
        assertThat(run("qos", "set", "x", "--read-bps", "-1MiB")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--read-bps", "-1MiB").doesNotContain("cannot reach");
        assertThat(run("qos", "set", "x", "--write-bps", "10XB")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--write-bps", "XB").doesNotContain("cannot reach");
    }

    @Test
    void shouldPrintQosLimitsInTheUnitsTheyAreWrittenIn() {
        assertThat(run("qos", "set", "gold", "--read-iops", "20K", "--write-iops", "1500", "--read-bps", "400MiB",
                "--iops-per-gib", "50")).isZero();
        assertThat(run("qos", "get", "gold")).isZero();

        String[] lines = out.toString().split(System.lineSeparator());
        assertThat(lines[1].split(" +")).containsExactly("gold", "20K", "1500", "400MiB/s", "unlimited", "50", "-");
        assertThat(run("qos", "get", "gold", "-o", "json")).isZero();
        assertThat(out.toString()).contains("\"readIops\" : 20000", "\"writeBytesPerSecond\" : 0");
    }

    @Test
    void shouldNotCallAnAnswerThatIsNotJsonUnreachable() throws Exception {
        HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", exchange -> {
            byte[] page = "<html>a proxy's login page</html>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        proxy.start();
        try {
            url = "http://127.0.0.1:" + proxy.getAddress().getPort();
            assertThat(run("info")).isEqualTo(ExitCodes.FAILURE);
            assertThat(err.toString()).startsWith("basalt: the API at " + url + " answered with something other "
                    + "than JSON").doesNotContain("cannot reach").doesNotContain("\tat ");
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    void shouldSayWhenTheApiUrlIsMalformed() {
        url = "127.0.0.1:8080";
        assertThat(run("info")).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(err.toString()).isEqualTo("basalt: invalid API URL '127.0.0.1:8080' (expected http://HOST:PORT "
                + "or https://HOST:PORT)" + System.lineSeparator());
    }
}
