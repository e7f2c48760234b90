package io.basalt.netty;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

import java.util.function.LongSupplier;

/**
 * An event loop's select strategy that polls without blocking for a while after its last work and
 * only then sleeps in {@code epoll_wait}: a loop kept busy (a host at queue depth 1 sends its next
 * command within microseconds of the last completion) picks each command up without the wake-up a
 * sleeping loop pays, while an idle loop sleeps as usual. One per event loop: it keeps that loop's
 * time of last work, touched only by the loop's thread.
 */
final class SpinThenSleep implements SelectStrategy {
    private final long spinNanos;
    private final LongSupplier nanoTime;
    private long lastWork;

    SpinThenSleep(long spinNanos, LongSupplier nanoTime) {
        this.spinNanos = spinNanos;
        this.nanoTime = nanoTime;
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
        // Nothing ready: poll again (0 events) while the last work is recent, else sleep.
        return now - lastWork < spinNanos ? ready : SelectStrategy.SELECT;
    }
}
