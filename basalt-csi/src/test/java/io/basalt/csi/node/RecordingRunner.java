package io.basalt.csi.node;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A host that records every command the node runs and answers from a script: each rule matches a
 * command line by its prefix and answers it (first matching rule wins; a rule may answer a number
 * of times only, then give way to the next). Unmatched commands succeed with no output, like
 * {@code mkdir -p} on a healthy host.
 */
final class RecordingRunner implements CommandRunner {
    private record Rule(String prefix, Function<String, Result> answer, int[] remaining) {
    }

    private final List<Rule> rules = new ArrayList<>();
    final List<String> commands = new ArrayList<>();

    /** Answers commands starting with {@code prefix} with exit 0 and {@code stdout}. */
    RecordingRunner on(String prefix, String stdout) {
        return on(prefix, 0, stdout, Integer.MAX_VALUE);
    }

    /** Answers the next {@code times} commands starting with {@code prefix}. */
    RecordingRunner on(String prefix, int exit, String stdout, int times) {
        rules.add(new Rule(prefix, cmd -> new Result(exit, stdout, exit == 0 ? "" : "scripted failure"),
                new int[]{times}));
        return this;
    }

    @Override
    public synchronized Result run(List<String> argv) {
        String line = String.join(" ", argv);
        commands.add(line);
        for (Rule r : rules) {
            if (line.startsWith(r.prefix()) && r.remaining()[0] > 0) {
                r.remaining()[0]--;
                return r.answer().apply(line);
            }
        }
        return new Result(0, "", "");
    }

    /** The commands run since the last call, and forgets them. */
    synchronized List<String> take() {
        List<String> out = List.copyOf(commands);
        commands.clear();
        return out;
    }
}
