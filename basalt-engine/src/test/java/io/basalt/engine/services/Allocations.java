package io.basalt.engine.services;

import java.lang.management.ManagementFactory;

/** Heap bytes a call allocates on the current thread, after the JIT has had its chance. */
public final class Allocations {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    public interface Call {
        void run() throws Exception;
    }

    /** Average bytes allocated per call over many calls, rounded down (a stray one-off allocation averages to 0). */
    public static long perCall(Call call) {
        try {
            for (int i = 0; i < 20_000; i++) {
                call.run();
            }
            int n = 10_000;
            long id = Thread.currentThread().threadId();
            long before = THREADS.getThreadAllocatedBytes(id);
            for (int i = 0; i < n; i++) {
                call.run();
            }
            return (THREADS.getThreadAllocatedBytes(id) - before) / n;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Allocations() {
    }
}
