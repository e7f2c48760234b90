package io.basalt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.csi.node.CommandRunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

/**
 * The console protocol of {@link GuestCommandRunner} against a scripted guest that answers on the
 * same thread: arguments survive the trip, console noise is ignored, a garbled result is asked for
 * again, a missing one ends the command in time. (csi-node.sh, the real other end, is proven by
 * CsiNodeIT.)
 */
class GuestCommandRunnerTest {
    private static final String NQN = "nqn.2014-08.org.nvmexpress:uuid:0000";

    private final List<String> sent = new ArrayList<>();

    /** A runner whose guest answers each request line with the lines {@code answer} gives. */
    private GuestCommandRunner runner(Duration timeout, Function<String, List<String>> answer) throws Exception {
        GuestCommandRunner r = new GuestCommandRunner(timeout, Duration.ZERO);
        r.attach(line -> {
            sent.add(line);
            answer.apply(line).forEach(l -> r.accept(null, l));
        });
        r.accept(null, "[    1.234] some kernel message");
        r.accept(null, GuestCommandRunner.READY + " " + NQN);
        assertThat(r.awaitReady(Duration.ofSeconds(1), () -> true)).isEqualTo(NQN);
        return r;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> args(String request) {
        String[] f = request.split(" ");
        List<String> out = new ArrayList<>();
        for (int i = 3; i < f.length; i++) {
            out.add(f[i].equals("-") ? "" : new String(Base64.getDecoder().decode(f[i]), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String done(String id, int exit, String out, String err) {
        return GuestCommandRunner.RESULT + id + " " + exit + " " + out.length() + " " + err.length() + " "
                + (out.isEmpty() ? "-" : b64(out)) + " " + (err.isEmpty() ? "-" : b64(err));
    }

    @Test
    void shouldCarryEveryArgumentAndBothOutputsThroughTheConsole() throws Exception {
        List<List<String>> seen = new ArrayList<>();
        GuestCommandRunner r = runner(Duration.ofSeconds(5), req -> {
            seen.add(args(req));
            String id = req.split(" ")[1];
            return List.of("+ unrelated output", "BASALT-CSI-DONE", done(id, 3, "a b\n", "oops\n"));
        });

        CommandRunner.Result result = r.run(List.of("sh", "-c", "x \"$1\"", "", "with space", "new\nline"));

        assertThat(seen).containsExactly(List.of("sh", "-c", "x \"$1\"", "", "with space", "new\nline"));
        assertThat(result).isEqualTo(new CommandRunner.Result(3, "a b\n", "oops\n"));
        assertThat(sent.getFirst()).startsWith(GuestCommandRunner.REQUEST + "1 5 ");
    }

    @Test
    void shouldAskAgainForAResultThatAKernelMessageCutInto() throws Exception {
        GuestCommandRunner r = runner(Duration.ofSeconds(5), req -> {
            String id = req.split(" ")[1];
            String good = done(id, 0, "hello world", "");
            if (req.startsWith(GuestCommandRunner.RESEND)) {
                return List.of(good);
            }
            int cut = good.length() - 6;
            return List.of(good.substring(0, cut) + "[   12.5] nvme nvme0: new ctrl", good.substring(cut));
        });

        assertThat(r.run(List.of("cat", "/x")).stdout()).isEqualTo("hello world");
        assertThat(sent).containsExactly(sent.getFirst(), GuestCommandRunner.RESEND + "1");
    }

    @Test
    void shouldFailACommandWhoseResultStaysGarbled() throws Exception {
        GuestCommandRunner r = runner(Duration.ofSeconds(5), req -> List.of(GuestCommandRunner.RESULT + "1 0 5 0 aGk= -"));

        assertThatThrownBy(() -> r.run(List.of("cat", "/x"))).isInstanceOf(IOException.class).hasMessageContaining("garbled");
        assertThat(sent).hasSize(1 + GuestCommandRunner.MAX_RESENDS);
    }

    @Test
    void shouldGiveUpWhenTheGuestDoesNotAnswerAndIgnoreTheLateResult() throws Exception {
        List<String> late = new ArrayList<>();
        GuestCommandRunner r = runner(Duration.ofSeconds(1), req -> {
            String id = req.split(" ")[1];
            if (id.equals("1")) {
                return List.of();
            }
            return List.of(late.isEmpty() ? "" : late.getFirst(), done(id, 0, "second", ""));
        });

        long start = System.nanoTime();
        assertThatThrownBy(() -> r.run(List.of("sleep", "60"))).isInstanceOf(IOException.class)
                .hasMessageContaining("no result");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

        late.add(done("1", 0, "first", ""));
        assertThat(r.run(List.of("true")).stdout()).as("the late answer to command 1 is not command 2's").isEqualTo("second");
    }

    @Test
    void shouldStopWaitingForTheGuestOnceItHasEnded() {
        GuestCommandRunner r = new GuestCommandRunner(Duration.ofSeconds(1), Duration.ZERO);

        long start = System.nanoTime();
        assertThatThrownBy(() -> r.awaitReady(Duration.ofMinutes(5), () -> false)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("ended before");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void shouldRefuseCommandsBeforeTheGuestIsReady() {
        GuestCommandRunner r = new GuestCommandRunner(Duration.ofSeconds(1), Duration.ZERO);
        r.attach(sent::add);

        assertThatThrownBy(() -> r.run(List.of("true"))).isInstanceOf(IOException.class).hasMessageContaining("not ready");
        assertThat(sent).isEmpty();
    }
}
