package io.basalt.csi.node;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessRunnerTest {
    private final ProcessRunner runner = new ProcessRunner(Duration.ofSeconds(10));

    @Test
    void shouldReturnExitStatusAndBothStreamsWithArgumentsPassedAsTheyAre() throws IOException {
        CommandRunner.Result r = runner.run(List.of("sh", "-c", "echo \"$1\"; echo err >&2; exit 3", "sh", "a b;c"));
        assertThat(r).isEqualTo(new CommandRunner.Result(3, "a b;c\n", "err\n"));
        assertThat(r.ok()).isFalse();
    }

    @Test
    void shouldFailForAMissingCommandAndOneThatHangs() {
        assertThatThrownBy(() -> runner.run(List.of("basalt-no-such-command"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> new ProcessRunner(Duration.ofMillis(200)).run(List.of("sleep", "30")))
                .isInstanceOf(IOException.class).hasMessageContaining("did not finish");
    }
}
