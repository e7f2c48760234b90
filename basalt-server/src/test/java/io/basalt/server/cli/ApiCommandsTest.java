package io.basalt.server.cli;

import io.basalt.server.Brick;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.ServeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI against a real brick's API: output formats and exit codes. */
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
        CommandLine cl = new CommandLine(new io.basalt.server.BasaltMainAccess().main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(all);
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
    void shouldSayWhenTheApiCannotBeReached() {
        url = "http://127.0.0.1:1";
        assertThat(run("info")).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(err.toString()).contains("cannot reach the API");
    }
}
