package io.basalt.server;

import io.basalt.server.version.BasaltVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.lang.reflect.AnnotatedElement;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;

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
                null, java.util.List.of(io.basalt.control.volume.VolumeSpec.parse("name=a,size=2MiB")))).close();

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

    /**
     * Picocli formats every description, header and footer line with String.format and, when that fails,
     * shows the raw text and prints a warning through a static tracer bound to System.err when CommandLine
     * first loads: a test cannot capture that warning reliably, so it formats each line itself, as picocli does.
     */
    @Test
    void shouldHaveOnlyValidFormatStringsInEveryCommandsHelp() {
        List<String> problems = new ArrayList<>();
        List<String> visited = new ArrayList<>();
        checkFormatsOfTree(BasaltMain.commandLine(new ServeCommand(), new PrintWriter(out, true),
                new PrintWriter(err, true)), visited, problems);

        assertThat(visited).contains("basalt", "basalt serve", "basalt snapshot diff", "basalt qos set", "basalt bench");
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldShowPercentSignsInTheOverprovisionHelp() {
        assertThat(run("serve", "--help")).isZero();

        // Help wraps long descriptions at spaces and hyphens: compare with all white space removed.
        assertThat(out.toString().replaceAll("\\s", "")).contains("(default15%;2%-50%)");
        assertThat(err.toString()).isEmpty();
    }

    private static void checkFormatsOfTree(CommandLine command, List<String> visited, List<String> problems) {
        CommandSpec spec = command.getCommandSpec();
        String name = spec.qualifiedName();
        visited.add(name);
        UsageMessageSpec usage = spec.usageMessage();
        checkFormats(name + " description", usage.description(), problems);
        checkFormats(name + " header", usage.header(), problems);
        checkFormats(name + " footer", usage.footer(), problems);
        for (OptionSpec option : spec.options()) {
            checkFormats(name + " " + option.longestName(), rawDescription(option), problems);
        }
        for (PositionalParamSpec positional : spec.positionalParameters()) {
            checkFormats(name + " " + positional.paramLabel(), rawDescription(positional), problems);
        }
        command.getSubcommands().values().stream().distinct()
                .forEach(sub -> checkFormatsOfTree(sub, visited, problems));
    }

    /**
     * An option's description as written: {@link ArgSpec#description()} returns it already formatted
     * (or raw if formatting failed), which cannot tell the two apart.
     */
    private static String[] rawDescription(ArgSpec arg) {
        if (arg.userObject() instanceof AnnotatedElement element) {
            Option option = element.getAnnotation(Option.class);
            if (option != null) {
                return option.description();
            }
            Parameters parameters = element.getAnnotation(Parameters.class);
            if (parameters != null) {
                return parameters.description();
            }
        }
        throw new AssertionError(arg + " is not declared by an annotation this test can read");
    }

    private static void checkFormats(String where, String[] lines, List<String> problems) {
        for (String line : lines) {
            try {
                String.format(Locale.ROOT, line);
            } catch (IllegalFormatException e) {
                problems.add(where + ": " + e + " in \"" + line + "\"");
            }
        }
    }
}
