package io.basalt.netty;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * The commands an event loop handed to another thread (a storage engine) whose completions have
 * not come back to it yet. The loop's select strategy reads it: a loop that waits for a handful of
 * completions polls instead of sleeping, so the completion finds it awake rather than paying the
 * wake-up of a sleeping {@code epoll_wait} (tens of µs on a VM) — at queue depth 1 that wake-up is
 * a large share of a read. One per event-loop thread, touched only by that thread: a plain counter.
 */
public final class Handoffs {
    private static final FastThreadLocal<Handoffs> OF_THREAD = new FastThreadLocal<>() {
        @Override
        protected Handoffs initialValue() {
            return new Handoffs();
        }
    };

    private int outstanding;

    Handoffs() {
    }

    /** The calling event loop's; handlers take it once (in {@code handlerAdded}), on the loop thread. */
    public static Handoffs ofThisThread() {
        return OF_THREAD.get();
    }

    /** A command went to another thread; its completion will come back to this loop. */
    public void handedOff() {
        outstanding++;
    }

    /** The completion of a command handed off came back and runs on this loop. */
    public void returned() {
        outstanding--;
    }

    /** Completions this loop still waits for. */
    public int outstanding() {
        return outstanding;
    }
}
