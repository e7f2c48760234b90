package io.basalt.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BasaltMainTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return BasaltMain.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--volume name=a,size=10XB | unknown size unit 'XB'",
            "--volume name=a,size=1GiB --volume name=a,size=2GiB | volume 'a' is defined twice",
            "--volume name=a,size=1GiB,hosts=notanqn | invalid host NQN",
            "--volume name=a,size=1GiB,flavour=mint | unknown volume key 'flavour'",
            "--listen 127.0.0.1 | --listen: invalid address '127.0.0.1'",
            "--discovery-listen 127.0.0.1:70000 | --discovery-listen: port out of range",
            "--config /no/such/basalt.yaml | does not exist",
    })
    void shouldExitWithUsageErrorAndOneLineForBadInput(String args, String message) {
        int code = run(("serve --data-dir " + dir + " " + args).split(" "));

        assertThat(code).isEqualTo(BasaltMain.EXIT_USAGE);
        assertThat(err.toString()).startsWith("basalt serve: ").contains(message)
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(Files.exists(dir.resolve("volumes"))).isFalse();
    }

    @Test
    void shouldExitWithUsageErrorForAnUnknownOption() {
        assertThat(run("serve", "--frobnicate")).isEqualTo(BasaltMain.EXIT_USAGE);
        assertThat(err.toString()).contains("Unknown option: '--frobnicate'").doesNotContain("\tat ");
    }

    @Test
    void shouldExitWithUsageErrorWithoutASubcommand() {
        assertThat(run()).isEqualTo(BasaltMain.EXIT_USAGE);
        assertThat(err.toString()).contains("Missing subcommand");
    }

    @Test
    void shouldReportABadConfigFileByNameAndKey() throws Exception {
        Path yaml = dir.resolve("basalt.yaml");
        Files.writeString(yaml, "volumes:\n  - name: a\n    size: 1 furlong\n");

        assertThat(run("serve", "--config", yaml.toString())).isEqualTo(BasaltMain.EXIT_USAGE);
        assertThat(err.toString()).contains(yaml + ": volumes[0]: unknown size unit 'furlong'");
    }

    @Test
    void shouldExitWithFailureWhenTheDataDirRefusesTheConfiguration() throws Exception {
        Brick.start(new io.basalt.server.config.ServeConfig(dir, new java.net.InetSocketAddress("127.0.0.1", 0),
                null, java.util.List.of(io.basalt.server.config.VolumeSpec.parse("name=a,size=2MiB")))).close();

        int code = run("serve", "--data-dir", dir.toString(), "--listen", "127.0.0.1:0", "--discovery-listen", "none", "--api-listen", "none",
                "--volume", "name=a,size=1MiB");

        assertThat(code).isEqualTo(BasaltMain.EXIT_FAILURE);
        assertThat(err.toString()).isEqualTo("basalt serve: volume a is 2 MiB; it cannot shrink to 1 MiB (data would be lost)"
                + System.lineSeparator());
    }

    @Test
    void shouldPrintTheVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("basalt " + BasaltVersion.version());
    }

    @Test
    void shouldDescribeServeInItsHelp() {
        assertThat(run("serve", "--help")).isZero();
        assertThat(out.toString()).contains("--data-dir", "--listen", "--discovery-listen", "--volume", "--config");
    }

    @Test
    void shouldRenderEveryCommandsHelpWithoutPicocliWarnings() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        List<String> rendered = new ArrayList<>();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        try {
            renderHelpOfTree(BasaltMain.commandLine(new ServeCommand(), new PrintWriter(out, true),
                    new PrintWriter(err, true)), rendered);
        } finally {
            System.setErr(stderr);
        }

        assertThat(rendered).contains("basalt", "basalt serve", "basalt snapshot diff", "basalt qos set", "basalt bench");
        assertThat(warnings.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).doesNotContain("%n");
    }

    private static void renderHelpOfTree(CommandLine command, List<String> rendered) {
        command.usage(command.getOut());
        rendered.add(command.getCommandSpec().qualifiedName());
        command.getSubcommands().values().stream().distinct().forEach(sub -> renderHelpOfTree(sub, rendered));
    }
}
