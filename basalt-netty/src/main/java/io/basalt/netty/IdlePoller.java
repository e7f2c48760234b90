package io.basalt.netty;

import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Keeps a CPU awake while the target waits for work it has handed off, without taking the CPU from
 * anyone: a thread at Linux's {@code SCHED_IDLE} policy that polls while the event loops await the
 * completions of between 1 and {@link #MAX_AWAITED} commands they handed to another thread
 * ({@link Handoffs}: engine reads and writes), and for {@code tailNanos} after it last saw that
 * (the host's next command at queue depth 1), then parks until the next hand-off. With more in
 * flight the CPU has work and completions share wake-ups; polling then measured slower (random
 * 4K writes at QD32 −26% on a 2-vCPU VM, where a spinning vCPU takes the host CPU the hypervisor's
 * own I/O thread needed).
 *
 * <p>Why: where an idle CPU halts (a VM without guest halt polling, or deep C-states), every wake-up
 * of a halted CPU — the device's interrupt waking the engine, the host's next command waking the
 * event loop — costs tens of µs, and a brick at queue depth 1 or 32 pays several per command. A
 * spinning thread keeps the CPU running, so those wake-ups become plain context switches; at
 * {@code SCHED_IDLE} it never delays a thread with work (any thread that wakes on its CPU
 * preempts it), unlike the engine's or event loop's own spins, which on a shared CPU hold off the
 * very thread they wait for. It costs CPU time nobody else wanted — but the CPU shows busy while
 * the brick has I/O in flight, as with SPDK's pollers. One poller keeps one CPU awake; Linux places
 * a thread that wakes preferably on an idle CPU or on one that runs only {@code SCHED_IDLE} work.
 *
 * <p>The poller never spins at a normal priority: if the policy cannot be set (not Linux, seccomp)
 * {@link #start} says why and no thread runs.
 */
public final class IdlePoller implements AutoCloseable {
    /** The longest park: a safety net only, hand-offs wake the poller. */
    private static final long PARK_NANOS = 100_000_000L;
    /** Polls only while at most this many completions are awaited (queue depths 1 to 4). */
    static final int MAX_AWAITED = 4;
    /** The pollers running, for {@link #wakeAll}; replaced (never changed) under the class lock. */
    private static volatile IdlePoller[] running = new IdlePoller[0];

    private final long tailNanos;
    private final long parkNanos;
    private final LongSupplier nanoTime;
    private final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile boolean stopped;
    private volatile boolean parked;
    private volatile String failure;

    /**
     * A poller (not started) that polls while 1 to {@value #MAX_AWAITED} hand-offs are outstanding
     * and for {@code tailNanos} after it last saw that.
     */
    public IdlePoller(long tailNanos, String threadName) {
        this(tailNanos, System::nanoTime, PARK_NANOS, threadName);
    }

    IdlePoller(long tailNanos, LongSupplier nanoTime, long parkNanos, String threadName) {
        if (tailNanos < 0) {
            throw new IllegalArgumentException("tailNanos must be >= 0: " + tailNanos);
        }
        this.tailNanos = tailNanos;
        this.parkNanos = parkNanos;
        this.nanoTime = Objects.requireNonNull(nanoTime);
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /**
     * Starts the thread and waits until it runs at {@code SCHED_IDLE}; returns null, or why it does
     * not run (then no thread is left running).
     */
    public String start() throws InterruptedException {
        thread.start();
        started.await();
        return failure;
    }

    /**
     * Whether any poller runs. A poller that registers while a loop reads false here misses at most
     * that wake-up: it parks for {@link #PARK_NANOS} at worst.
     */
    static boolean anyRunning() {
        return running.length > 0;
    }

    /** Wakes every parked poller: an event loop handed off its first outstanding command. */
    static void wakeAll() {
        for (IdlePoller p : running) {
            if (p.parked) {
                LockSupport.unpark(p.thread);
            }
        }
    }

    private void run() {
        failure = IdleSchedulingPolicy.setForThisThread();
        if (failure != null) {
            started.countDown();
            return;
        }
        // The tail counts from the start, read before start() returns: a caller's clock moves after.
        long lastBusy = nanoTime.getAsLong();
        register(this);
        started.countDown();
        try {
            while (!stopped) {
                int awaited = Handoffs.outstandingOfAll(MAX_AWAITED + 1);
                if (awaited > 0 && awaited <= MAX_AWAITED) {
                    lastBusy = nanoTime.getAsLong();
                } else if (nanoTime.getAsLong() - lastBusy >= tailNanos) {
                    parked = true;
                    VarHandle.fullFence();
                    // Dekker with Handoffs.handedOff: the volatile store above, then the check; the loop
                    // stores its count, fences, then reads parked — one of the two sees the other.
                    int now = Handoffs.outstandingOfAll(MAX_AWAITED + 1);
                    if ((now == 0 || now > MAX_AWAITED) && !stopped) {
                        LockSupport.parkNanos(this, parkNanos);
                    }
                    parked = false;
                    lastBusy = nanoTime.getAsLong();
                    continue;
                }
                // No Thread.onSpinWait(): a VM may take a loop of x86 PAUSE for a spinning lock and
                // deschedule the vCPU — the halt this thread is here to prevent (QD32 41K vs 48K IOPS).
            }
        } finally {
            unregister(this);
        }
    }

    /**
     * Whether the thread is parked (nothing awaited for longer than the tail). For tests: the thread's
     * state, not {@code parked}, which is also true for the moment of the last check before a park.
     */
    boolean isParked() {
        return thread.getState() == Thread.State.TIMED_WAITING;
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        LockSupport.unpark(thread);
        thread.join();
    }

    private static synchronized void register(IdlePoller p) {
        IdlePoller[] r = Arrays.copyOf(running, running.length + 1);
        r[r.length - 1] = p;
        running = r;
    }

    private static synchronized void unregister(IdlePoller p) {
        running = Arrays.stream(running).filter(x -> x != p).toArray(IdlePoller[]::new);
    }
}
