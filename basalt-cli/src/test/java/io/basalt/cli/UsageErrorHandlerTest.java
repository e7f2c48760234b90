package io.basalt.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bad argument to any command is one line naming the argument and what it expects, the help hint,
 * and the usage exit code, found while parsing: no stack trace, no request to the brick (the API here
 * is a closed port, so a request would end in "cannot reach the API" and exit code 5).
 */
class UsageErrorHandlerTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "snapshot create db         | snapshot create | VOLUME@SNAPSHOT | 'db'",
            "snapshot create db@        | snapshot create | VOLUME@SNAPSHOT | 'db@'",
            "snapshot create @nightly   | snapshot create | VOLUME@SNAPSHOT | '@nightly'",
            "snapshot create db@a@b     | snapshot create | VOLUME@SNAPSHOT | 'db@a@b'",
            "snapshot get db            | snapshot get    | VOLUME@SNAPSHOT | 'db'",
            "snapshot delete db         | snapshot delete | VOLUME@SNAPSHOT | 'db'",
            "snapshot delete db@        | snapshot delete | VOLUME@SNAPSHOT | 'db@'",
            "snapshot diff db           | snapshot diff   | VOLUME@SNAPSHOT | 'db'",
            "snapshot diff db@s --limit many | snapshot diff | --limit     | 'many'",
            "snapshot create            | snapshot create | VOLUME@SNAPSHOT | Missing required parameter",
            "volume create c --from-snapshot db@ | volume create | --from-snapshot | 'db@'",
            "volume create c --size huge         | volume create | --size | 'huge'",
            "volume create c --size -1GiB        | volume create | --size | '-1GiB'",
            "volume create c --size 1GiB --label app | volume create | --label | 'app'",
            "volume create c --size 1GiB --dedup maybe | volume create | --dedup | 'maybe'",
            "volume create c --size 1GiB --block-size big | volume create | --block-size | 'big'",
            "volume update c --size 10XB         | volume update | --size | 'XB'",
            "volume update c --label =v          | volume update | --label | '=v'",
            "volume list --label app             | volume list   | --label | 'app'",
            "volume list -o yaml                 | volume list   | --output | 'yaml'",
            "qos set x --read-bps -1MiB          | qos set | --read-bps | '-1MiB'",
            "qos set x --write-bps 10XB          | qos set | --write-bps | 'XB'",
            "qos set x --read-iops -5            | qos set | --read-iops | '-5'",
            "qos set x --write-iops lots         | qos set | --write-iops | 'lots'",
            "qos set x --iops-per-gib 1.5        | qos set | --iops-per-gib | '1.5'",
            "events --after yesterday            | events  | --after | 'yesterday'",
    })
    void shouldReportABadArgumentInOneLineWithTheUsageExitCode(String args, String command, String argument,
                                                              String value) {
        int code = run((args.trim() + " --api http://127.0.0.1:1").split(" +"));

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(out.toString()).isEmpty();
        String[] lines = err.toString().split(System.lineSeparator());
        assertThat(lines).as(err.toString()).hasSize(2);
        assertThat(lines[0]).startsWith("basalt " + command + ": ").contains(argument).contains(value)
                .doesNotContain("Exception");
        assertThat(lines[1]).isEqualTo("Try 'basalt " + command + " --help' for more information.");
    }

    @Test
    void shouldSuggestTheCommandMeantBetweenTheErrorAndTheHint() {
        assertThat(run("volume", "lst")).isEqualTo(ExitCodes.USAGE);

        assertThat(err.toString().split(System.lineSeparator())).containsExactly(
                "basalt volume: Unmatched argument at index 1: 'lst'",
                "Did you mean: volume list?",
                "Try 'basalt volume --help' for more information.");
    }

    private int run(String... args) {
        return CliRoot.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }
}
