package io.basalt.netty;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * An event loop's select strategy that polls without blocking instead of sleeping in
 * {@code epoll_wait} while a wake-up is about to be needed, and sleeps otherwise:
 * <ul>
 *   <li>while the loop waits for the completions of at most {@code maxAwaited} commands it handed
 *       to another thread ({@link Handoffs}), for up to {@code awaitNanos} since its last work: the
 *       completion (a device read at queue depth 1) finds the loop awake. With more in flight the
 *       loop sleeps: completions then come often enough that each wake-up serves several, and a
 *       polling loop would take the CPU the storage threads need;</li>
 *   <li>for {@code spinNanos} after its last work: a host at queue depth 1 sends its next command
 *       within microseconds of the last completion.</li>
 * </ul>
 * An idle loop (no handoffs, no recent work) sleeps as usual. One per event loop: it keeps that
 * loop's time of last work, touched only by the loop's thread.
 */
final class SpinThenSleep implements SelectStrategy {
    private final long spinNanos;
    private final long awaitNanos;
    private final int maxAwaited;
    private final LongSupplier nanoTime;
    private final Supplier<Handoffs> handoffsOfLoop;
    /** The loop's, found on its own thread at the first call (the strategy is built on another). */
    private Handoffs handoffs;
    private long lastWork;

    SpinThenSleep(long spinNanos, long awaitNanos, int maxAwaited, LongSupplier nanoTime,
                  Supplier<Handoffs> handoffsOfLoop) {
        this.spinNanos = spinNanos;
        this.awaitNanos = awaitNanos;
        this.maxAwaited = maxAwaited;
        this.nanoTime = nanoTime;
        this.handoffsOfLoop = handoffsOfLoop;
        this.lastWork = nanoTime.getAsLong();
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        int ready = selectNow.get();
        long now = nanoTime.getAsLong();
        if (ready > 0 || hasTasks) {
            lastWork = now;
            return ready;
        }
        // Nothing ready: poll again (0 events) while a wake-up is near, else sleep.
        long idle = now - lastWork;
        if (idle < spinNanos) {
            return ready;
        }
        if (handoffs == null) {
            handoffs = handoffsOfLoop.get();
        }
        int awaited = handoffs.outstanding();
        return awaited > 0 && awaited <= maxAwaited && idle < awaitNanos ? ready : SelectStrategy.SELECT;
    }
}
