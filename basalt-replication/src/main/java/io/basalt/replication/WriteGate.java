package io.basalt.replication;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Lets a resync or a verify stop the primary's writes for a moment: {@link #close} makes new writes
 * park and tells when those in flight have all finished; {@link #open} lets the parked ones go on.
 * Between the two no write is in flight, so the copies agree and a replica can rejoin the in-sync
 * set without missing a write.
 *
 * <p>The write path costs one CAS to enter and one atomic decrement to leave; parking pushes the
 * pooled fan-out on a lock-free stack through its own link field. One closer at a time (the store
 * serialises them).
 */
final class WriteGate {
    private static final long CLOSED = 1L << 62;

    /** The closed bit and the count of writes inside. */
    private final AtomicLong state = new AtomicLong();
    private final AtomicReference<FanOut> parked = new AtomicReference<>();
    private final Consumer<FanOut> resume;
    private volatile CompletableFuture<Void> drained = CompletableFuture.completedFuture(null);

    /** @param resume runs a parked write once the gate opens (it enters the gate again) */
    WriteGate(Consumer<FanOut> resume) {
        this.resume = resume;
    }

    /** Counts the write in, or parks it if the gate is closed (then it resumes on {@link #open}). */
    boolean enter(FanOut write) {
        while (true) {
            long s = state.get();
            if ((s & CLOSED) != 0) {
                park(write);
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Counts a write out once it has finished everywhere (before its host is told). */
    void exit() {
        if (state.decrementAndGet() == CLOSED) {
            drained.complete(null);
        }
    }

    /** Closes the gate; completes once no write is inside. */
    CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        drained = done;
        long s = state.addAndGet(CLOSED);
        if (s == CLOSED) {
            done.complete(null);
        }
        return done;
    }

    /** Opens the gate and resumes every parked write. */
    void open() {
        state.addAndGet(-CLOSED);
        resumeParked();
    }

    /** Writes inside now (for tests and metrics). */
    long inside() {
        return state.get() & ~CLOSED;
    }

    private void park(FanOut write) {
        while (true) {
            FanOut top = parked.get();
            write.nextParked = top;
            if (parked.compareAndSet(top, write)) {
                break;
            }
        }
        // The gate may have opened between the check and the push: then nobody else will resume it.
        if ((state.get() & CLOSED) == 0) {
            resumeParked();
        }
    }

    private void resumeParked() {
        FanOut w = parked.getAndSet(null);
        while (w != null) {
            FanOut next = w.nextParked;
            w.nextParked = null;
            resume.accept(w);
            w = next;
        }
    }
}
