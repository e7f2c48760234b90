package io.basalt.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness itself, with a stand-in for the brick: a guest script's markers and exit status reach
 * the test, the restart handshake restarts the process on the same port, and the time limit stops a
 * guest that never ends. Runs on one kernel; the interop suite covers both.
 */
class GuestHarnessIT {

    static final String KERNEL = "6.12";

    private BrickProcess standIn;
    private GuestRun guest;

    @AfterEach
    void stopEverything() {
        if (guest != null) {
            guest.close();
        }
        if (standIn != null) {
            standIn.close();
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void shouldReportMarkersAndStatusAndRestartTheTargetOnRequest(@TempDir Path tmp) throws Exception {
        LinuxGuest linux = new LinuxGuest(KERNEL).ensureBuilt();
        int port = BrickProcess.freePort();
        standIn = BrickProcess.of("stand-in", tmp.resolve("stand-in.log"), List.of(port), List.of(
                BrickProcess.javaExecutable(), "-cp", System.getProperty("surefire.test.class.path",
                        System.getProperty("java.class.path")), StandInBrick.class.getName(), Integer.toString(port)));
        standIn.start();
        Path script = Files.writeString(tmp.resolve("script.sh"), """
                before=$(nc "$HOST" "$PORT" </dev/null)
                echo "HARNESS-BEFORE $before"
                echo "BASALT-RESTART-TARGET term"
                read -t 120 reply || { echo "HARNESS-NO-ANSWER"; exit 1; }
                echo "HARNESS-ANSWER $reply"
                after=$(nc "$HOST" "$PORT" </dev/null)
                echo "HARNESS-AFTER $after"
                [ -n "$before" ] && [ -n "$after" ] && [ "$before" != "$after" ] && echo "HARNESS-NEW-INSTANCE"
                exit 7
                """);

        TargetRestarts restarts = new TargetRestarts(standIn);
        guest = linux.boot(script, Map.of("HOST", LinuxGuest.HOST_ADDRESS, "PORT", Integer.toString(port)),
                Duration.ofSeconds(180), restarts);
        int status = guest.awaitExit();

        assertThat(status).as("run-guest.sh passes the script's exit status on").isEqualTo(7);
        assertThat(guest.reportedStatus()).contains(7);
        assertThat(guest.linesStartingWith(GuestRun.READY_MARKER)).singleElement().asString()
                .startsWith(GuestRun.READY_MARKER + KERNEL + ".");
        assertThat(restarts.failures()).isEmpty();
        assertThat(restarts.done()).containsExactly("term");
        assertThat(guest.hasLine("HARNESS-ANSWER BASALT-TARGET-RESTARTED ok")).isTrue();
        assertThat(guest.linesStartingWith("HARNESS-BEFORE instance ")).hasSize(1);
        assertThat(guest.hasLine("HARNESS-NEW-INSTANCE")).as("the guest reached a new instance after the restart").isTrue();
        assertThat(standIn.isAlive()).isTrue();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void shouldStopAGuestThatOutlivesItsTimeLimit(@TempDir Path tmp) throws Exception {
        LinuxGuest linux = new LinuxGuest(KERNEL).ensureBuilt();
        Path script = Files.writeString(tmp.resolve("script.sh"), """
                echo "HARNESS-SLEEPING"
                sleep 600
                """);
        long started = System.nanoTime();

        guest = linux.boot(script, Map.of(), Duration.ofSeconds(40), (g, line) -> {});
        int status = guest.awaitExit();

        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertThat(status).as("time limit status").isEqualTo(124);
        assertThat(guest.hasLine("HARNESS-SLEEPING")).isTrue();
        assertThat(guest.reportedStatus()).isEmpty();
        assertThat(seconds).as("seconds until the guest was stopped").isBetween(35L, 70L);
    }
}
