package io.basalt.netty;

import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The commands an event loop handed to another thread (a storage engine) whose completions have
 * not come back to it yet. The loop's select strategy reads it: a loop that waits for a handful of
 * completions polls instead of sleeping, so the completion finds it awake rather than paying the
 * wake-up of a sleeping {@code epoll_wait} (tens of µs on a VM) — at queue depth 1 that wake-up is
 * a large share of a read. The {@link IdlePoller} reads every loop's count from its own thread.
 * One per event-loop thread, changed only by that thread: an opaque store (a plain store on x86),
 * and a fence only when the count leaves zero, to wake a parked poller.
 */
public final class Handoffs {
    private static final VarHandle OUTSTANDING;

    static {
        try {
            OUTSTANDING = MethodHandles.lookup().findVarHandle(Handoffs.class, "outstanding", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final FastThreadLocal<Handoffs> OF_THREAD = new FastThreadLocal<>() {
        @Override
        protected Handoffs initialValue() {
            Handoffs h = new Handoffs();
            register(h);
            return h;
        }

        @Override
        protected void onRemoval(Handoffs h) {
            unregister(h);
        }
    };
    /** Every live loop's, for the idle poller; replaced (never changed) under the class lock. */
    private static volatile Handoffs[] all = new Handoffs[0];

    private int outstanding;

    Handoffs() {
    }

    /** The calling event loop's; handlers take it once (in {@code handlerAdded}), on the loop thread. */
    public static Handoffs ofThisThread() {
        return OF_THREAD.get();
    }

    /** A command went to another thread; its completion will come back to this loop. */
    public void handedOff() {
        int n = outstanding + 1;
        OUTSTANDING.setOpaque(this, n);
        if (n == 1 && IdlePoller.anyRunning()) {
            // The store before the poller's check of it (IdlePoller.run): a poller that decided to park
            // either sees this count or is seen parked here. Without a poller: no fence per command.
            VarHandle.fullFence();
            IdlePoller.wakeAll();
        }
    }

    /** The completion of a command handed off came back and runs on this loop. */
    public void returned() {
        OUTSTANDING.setOpaque(this, outstanding - 1);
    }

    /** Completions this loop still waits for. */
    public int outstanding() {
        return outstanding;
    }

    /** Whether any live event loop awaits a completion; from any thread. */
    static boolean anyOutstanding() {
        return outstandingOfAll(1) > 0;
    }

    /** The completions all live event loops await, counted up to {@code cap}; from any thread. */
    static int outstandingOfAll(int cap) {
        int n = 0;
        for (Handoffs h : all) {
            n += (int) OUTSTANDING.getOpaque(h);
            if (n >= cap) {
                return cap;
            }
        }
        return Math.max(n, 0);
    }

    static synchronized void register(Handoffs h) {
        Handoffs[] a = Arrays.copyOf(all, all.length + 1);
        a[a.length - 1] = h;
        all = a;
    }

    static synchronized void unregister(Handoffs h) {
        all = Arrays.stream(all).filter(x -> x != h).toArray(Handoffs[]::new);
    }
}
