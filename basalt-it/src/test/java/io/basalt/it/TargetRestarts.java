package io.basalt.it;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The test's half of the restart handshake. A guest script that wants the brick restarted prints
 * {@code BASALT-RESTART-TARGET term} (or {@code kill}) and reads one line from its console; this
 * restarts the brick with SIGTERM (or SIGKILL), same data directory and ports, and answers
 * {@code BASALT-TARGET-RESTARTED ok} once the new brick listens, or
 * {@code BASALT-TARGET-RESTARTED failed <reason>}.
 */
final class TargetRestarts implements BiConsumer<GuestRun, String> {

    static final String REQUEST = "BASALT-RESTART-TARGET ";
    static final String ANSWER = "BASALT-TARGET-RESTARTED ";

    private final BrickProcess brick;
    private final List<String> done = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    TargetRestarts(BrickProcess brick) {
        this.brick = brick;
    }

    @Override
    public void accept(GuestRun guest, String line) {
        if (!line.startsWith(REQUEST)) {
            return;
        }
        String mode = line.substring(REQUEST.length()).trim();
        BrickProcess.Stop how = switch (mode) {
            case "term" -> BrickProcess.Stop.TERM;
            case "kill" -> BrickProcess.Stop.KILL;
            default -> null;
        };
        if (how == null) {
            failures.add("unknown restart mode '" + mode + "'");
            guest.reply(ANSWER + "failed unknown mode " + mode);
            return;
        }
        long started = System.nanoTime();
        try {
            brick.restart(how);
            done.add(mode);
            System.out.printf("[restart] brick restarted with SIG%s in %d ms%n", how, (System.nanoTime() - started) / 1_000_000);
            guest.reply(ANSWER + "ok");
        } catch (Exception e) {
            failures.add("restart with SIG" + how + ": " + e.getMessage());
            System.out.println("[restart] failed: " + e);
            guest.reply(ANSWER + "failed " + e.getMessage());
        }
    }

    /** The modes of the restarts that succeeded, in order. */
    List<String> done() {
        return List.copyOf(done);
    }

    List<String> failures() {
        return List.copyOf(failures);
    }
}
