package io.basalt.engine.pool;

import io.basalt.engine.device.uring.IoUring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * When the {@link UringReader} hands the reads it has queued to the kernel at once rather than at the
 * end of the engine's turn: when a batch is big enough, or when the device has little to do — and
 * how little depends on what a submit costs here. Each submit is a system call and, on a virtual
 * disk, a doorbell write that exits to the hypervisor: on one VM a submit per read was worth 10-25% at
 * 4K QD32 (the device no longer idled between waves of reads), on another each cost 18-20 µs and took
 * most of the brick's core (4K QD32 at 0.7 of the device instead of 1.0). So the policy reads the
 * ring's own measure of a small submit ({@link IoUring#smallSubmitNanos()}) and submits eagerly only
 * where that is cheap. Engine thread only.
 */
final class SubmitPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(SubmitPolicy.class);
    /** Entries queued that are submitted without waiting for the turn's end, whatever the device does. */
    static final int SUBMIT_BATCH = 32;
    /**
     * Where submits are cheap: below this many device reads in flight, submit at once. A device with
     * little to do gains nothing from a batch and loses the time the read waits for it (reads then
     * reach the device in waves, idle between them: 4K QD32 fell while QD128 rose).
     */
    static final int EAGER_BELOW = 16;
    /** Where submits are expensive: at once only to a device with none of our reads. */
    static final int EAGER_BELOW_EXPENSIVE = 1;
    /**
     * A small submit (a moving average) that costs more than this, ns, is expensive; it is cheap again
     * only below half of it, so the choice does not flap. {@code -Dbasalt.engine.uringCheapSubmitNanos}.
     */
    static final long CHEAP_SUBMIT_NANOS = Long.getLong("basalt.engine.uringCheapSubmitNanos", 10_000L);
    /**
     * A fixed eager bound instead of the choice by cost ({@code -Dbasalt.engine.uringEagerBelow}, for
     * measuring; 0 submits once per turn only), or -1 to choose by cost.
     */
    private static final int EAGER_BELOW_FIXED = Integer.getInteger("basalt.engine.uringEagerBelow", -1);

    private final String name;
    private boolean expensive;
    /** Whether a change was logged at INFO already: later ones go to DEBUG. */
    private boolean logged;

    /** A policy for the reader called {@code name} (for its log line). */
    SubmitPolicy(String name) {
        this.name = name;
    }

    /** Whether the entries queued on {@code ring} should be submitted now. */
    boolean submitNow(IoUring ring) {
        return submitNow(ring.unsubmitted(), ring.inFlight(), eagerBelow(ring.smallSubmitNanos()));
    }

    /** {@link #EAGER_BELOW} or {@link #EAGER_BELOW_EXPENSIVE} by the cost of a small submit, unless fixed. */
    int eagerBelow(long smallSubmitNanos) {
        if (EAGER_BELOW_FIXED >= 0) {
            return EAGER_BELOW_FIXED;
        }
        boolean was = expensive;
        expensive = expensive(smallSubmitNanos, was);
        if (expensive != was) {
            LOG.atLevel(logged ? Level.DEBUG : Level.INFO).log(
                    "{}: a device read submit costs {} µs here: reads are submitted {}", name,
                    smallSubmitNanos / 1000, expensive
                            ? "once per engine turn (at once only to an idle device)"
                            : "at once while fewer than " + EAGER_BELOW + " are at the device");
            logged = true;
        }
        return expensive ? EAGER_BELOW_EXPENSIVE : EAGER_BELOW;
    }

    /**
     * Whether submits cost too much to make one per read, given the moving average of a small
     * submit's cost and the last answer (expensive above {@link #CHEAP_SUBMIT_NANOS}, cheap again only
     * below half of it).
     */
    static boolean expensive(long smallSubmitNanos, boolean wasExpensive) {
        return smallSubmitNanos > (wasExpensive ? CHEAP_SUBMIT_NANOS / 2 : CHEAP_SUBMIT_NANOS);
    }

    /**
     * Whether to submit now: a batch is big enough ({@link #SUBMIT_BATCH}), or the device has fewer
     * than {@code eagerBelow} reads to work on ({@code inFlight} counts the {@code waiting} entries too).
     */
    static boolean submitNow(int waiting, int inFlight, int eagerBelow) {
        return waiting >= SUBMIT_BATCH || inFlight - waiting < eagerBelow;
    }
}
