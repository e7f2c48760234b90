package io.basalt.csi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node's failure domains as {@code basalt csi} reads them from its flags and its file. */
class CsiCommandTest {
    @TempDir
    Path dir;

    private static CsiCommand parse(String... args) {
        CsiCommand c = new CsiCommand();
        CommandLine line = new CommandLine(c);
        line.parseArgs(args);
        c.spec = line.getCommandSpec();
        return c;
    }

    @Test
    void shouldTakeTheFilesDomainsThenTheFlagsAndIgnoreCommentsAndBlankLines() throws Exception {
        Path file = Files.writeString(dir.resolve("failure-domains"), "# rack and zone\n\n zone = a \nrack=r1\n");
        assertThat(parse("--failure-domain-file", file.toString(), "--failure-domain", "rack=r7", "--failure-domain",
                "row=3").nodeFailureDomains()).containsExactlyInAnyOrderEntriesOf(Map.of("zone", "a", "rack", "r7",
                "row", "3"));
    }

    @Test
    void aMissingFileNamesNoDomain() throws Exception {
        assertThat(parse("--failure-domain-file", dir.resolve("absent").toString()).nodeFailureDomains()).isEmpty();
    }

    @Test
    void shouldRefuseWhatCannotBeANodeLabel() throws Exception {
        Path file = Files.writeString(dir.resolve("failure-domains"), "rack\n");
        assertThatThrownBy(() -> parse("--failure-domain-file", file.toString()).nodeFailureDomains())
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("expected KEY=VALUE");
        assertThatThrownBy(() -> parse("--failure-domain", "zone=-a").nodeFailureDomains())
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("Kubernetes labels");
    }
}
