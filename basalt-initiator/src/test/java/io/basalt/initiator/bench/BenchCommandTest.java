package io.basalt.initiator.bench;

import io.basalt.engine.ram.RamBlockStore;
import io.basalt.initiator.testing.InProcessTarget;
import io.basalt.volume.HostAccess;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.volume.Volume;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class BenchCommandTest {
    private InProcessTarget target;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws InterruptedException {
        target = new InProcessTarget();
    }

    @AfterEach
    void stop() {
        target.close();
    }

    private int bench(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--target";
        all[1] = "127.0.0.1:" + target.address().getPort();
        all[2] = "--nqn";
        all[3] = InProcessTarget.SUBNQN;
        System.arraycopy(args, 0, all, 4, args.length);
        return BenchCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
    }

    @Test
    void shouldReportIopsLatencyAndJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        int code = bench("--rw", "randrw", "--bs", "4k", "--iodepth", "16", "--queues", "2", "--runtime", "2",
                "--size", "8MiB", "--json", json.toString());

        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("host NQN " + BenchCommand.HOST_NQN_DEFAULT, "read : IOPS=",
                "write: IOPS=", "p99.99=", "errors: status=0 transport=0 timeout=0 verify=0");
        assertThat(Files.readString(json)).contains("\"rw\": \"randrw\"", "\"p99.9\": ", "\"verify\": 0");
    }

    @Test
    void shouldVerifyEveryReadAgainstTheLastAcknowledgedWrite() {
        int code = bench("--rw", "randrw", "--bs", "8k", "--iodepth", "32", "--queues", "2", "--runtime", "2",
                "--size", "1MiB", "--verify");

        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("verify=0");
    }

    @Test
    void shouldCheckTheVerifyLogAfterARun(@TempDir Path dir) {
        Path log = dir.resolve("acked.log");
        assertThat(bench("--rw", "randwrite", "--bs", "4k", "--iodepth", "8", "--runtime", "1", "--size", "2MiB",
                "--verify-log", log.toString())).as(out + "\n" + err).isZero();

        int code = bench("--verify-only", "--verify-log", log.toString(), "--bs", "4k", "--rw", "read",
                "--iodepth", "16");

        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).containsPattern("verify-only: \\d+ units: \\d+ as last acknowledged, 0 newer")
                .contains("0 LOST or corrupt");
    }

    @Test
    void shouldFailVerifyOnlyWhenAnAcknowledgedWriteIsLost(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("acked.log");
        assertThat(bench("--rw", "write", "--bs", "4k", "--iodepth", "4", "--runtime", "1", "--size", "64KiB",
                "--verify-log", log.toString())).isZero();
        // Overwrite the start of the range behind the log's back, as a target that lost writes would.
        assertThat(bench("--rw", "write", "--bs", "4k", "--iodepth", "4", "--runtime", "1", "--size", "64KiB"))
                .isZero();

        int code = bench("--verify-only", "--verify-log", log.toString(), "--bs", "4k", "--rw", "read",
                "--iodepth", "4");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains("no bench pattern");
    }

    @Test
    void shouldSayANamespaceHiddenFromThisHostIsNotVisible() {
        target.subsystem().addNamespace(new Namespace(new Volume(2, "hidden", UUID.nameUUIDFromBytes(new byte[] {2}),
                new RamBlockStore(1 << 20, 512), HostAccess.of(Set.of("nqn.2026-01.io.basalt:someone-else")))));

        int code = bench("--nsid", "2", "--rw", "read", "--bs", "4k", "--iodepth", "1", "--runtime", "1");

        assertThat(code).as(out + "\n" + err).isEqualTo(1);
        assertThat(err.toString()).contains("namespace 2 is not visible to this host (active namespaces: 1)")
                .doesNotContain("LBA data size");
    }

    @Test
    void shouldSayANamespaceThatDoesNotExistIsNotVisible() {
        int code = bench("--nsid", "3", "--rw", "read", "--bs", "4k", "--iodepth", "1", "--runtime", "1");

        assertThat(code).as(out + "\n" + err).isEqualTo(1);
        assertThat(err.toString()).contains("namespace 3 is not visible to this host (active namespaces: 1)");
    }

    @Test
    void shouldRefuseAnIoSizeThatIsNotAMultipleOf512() {
        assertThat(bench("--rw", "read", "--bs", "1000", "--iodepth", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("--bs must be a multiple of 512");
    }
}
