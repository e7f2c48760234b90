package io.basalt.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The idle poller against a fake clock: it polls while a loop awaits a completion and for the tail
 * after, parks then, and a loop's first hand-off wakes it. Its park here lasts an hour, so only that
 * wake-up can end it. At SCHED_IDLE the poller runs only when a CPU is free: the waits are long.
 */
class IdlePollerTest {
    private static final long TAIL = 1_000;
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Handoffs loop = new Handoffs();
    private IdlePoller poller;

    @BeforeEach
    void startPoller() throws InterruptedException {
        Handoffs.register(loop);
        poller = new IdlePoller(TAIL, now::get, TimeUnit.HOURS.toNanos(1), "test-idle-poll");
        // Linux lets any thread lower its own policy: a failure here is a real failure.
        assertThat(poller.start()).as("why the poller did not start").isNull();
    }

    @AfterEach
    void stopPoller() throws InterruptedException {
        poller.close();
        Handoffs.unregister(loop);
    }

    @Test
    void pollsWhileACompletionIsAwaitedHoweverLongItTakes() throws InterruptedException {
        loop.handedOff();
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        assertStaysFalse(poller::isParked);
    }

    @Test
    void pollsForTheTailAfterTheLastCompletionThenParks() throws InterruptedException {
        loop.handedOff();
        awaitTrue(() -> !poller.isParked());
        loop.returned();
        assertStaysFalse(poller::isParked);
        awaitParked();
    }

    @Test
    void parksAfterTheTailWhileMoreCompletionsAreAwaitedThanItPollsFor() throws InterruptedException {
        for (int i = 0; i <= IdlePoller.MAX_AWAITED; i++) {
            loop.handedOff();
        }
        awaitParked();
        // Down to the depth it polls for: the next first hand-off of a loop wakes it (here: one more).
        loop.returned();
        Handoffs other = new Handoffs();
        Handoffs.register(other);
        try {
            loop.returned();
            other.handedOff();
            awaitTrue(() -> !poller.isParked());
            assertStaysFalse(poller::isParked);
        } finally {
            Handoffs.unregister(other);
        }
    }

    @Test
    void aLoopsFirstHandOffWakesTheParkedPoller() throws InterruptedException {
        awaitParked();
        loop.handedOff();
        awaitTrue(() -> !poller.isParked());
        // A second hand-off while one is outstanding changes nothing.
        loop.handedOff();
        assertThat(Handoffs.anyOutstanding()).isTrue();
    }

    @Test
    void seesOnlyOutstandingCompletionsOfRegisteredLoops() {
        Handoffs other = new Handoffs();
        other.handedOff();
        assertThat(Handoffs.anyOutstanding()).as("an unregistered loop").isFalse();
        loop.handedOff();
        assertThat(Handoffs.anyOutstanding()).isTrue();
        loop.returned();
        assertThat(Handoffs.anyOutstanding()).isFalse();
    }

    @Test
    void closeEndsAParkedPoller() throws InterruptedException {
        awaitParked();
        poller.close(); // joins the thread: returns only if the park ended
    }

    /**
     * Moves the clock a tail on until the poller parks: it may have read the clock before it saw the
     * counts the test set, and then counts the tail from a later time.
     */
    private void awaitParked() throws InterruptedException {
        awaitTrue(() -> {
            now.addAndGet(TAIL);
            return poller.isParked();
        });
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 30 s").isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    private static void assertStaysFalse(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            assertThat(condition.getAsBoolean()).isFalse();
            Thread.sleep(2);
        }
    }
}
