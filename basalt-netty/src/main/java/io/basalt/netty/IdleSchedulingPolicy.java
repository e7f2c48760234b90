package io.basalt.netty;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Linux's {@code SCHED_IDLE} policy for the calling thread, through {@code sched_setscheduler(2)}:
 * the thread then runs only when nothing else on its CPU is runnable, and any other thread that
 * wakes there takes the CPU from it at once. Lowering a thread's own policy needs no privilege.
 */
final class IdleSchedulingPolicy {
    /** {@code SCHED_IDLE} in {@code <sched.h>}. */
    private static final int SCHED_IDLE = 5;

    private IdleSchedulingPolicy() {
    }

    /** Puts the calling thread at {@code SCHED_IDLE}; returns null, or why it could not. */
    static String setForThisThread() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return "not Linux";
        }
        try {
            Linker linker = Linker.nativeLinker();
            Linker.Option errno = Linker.Option.captureCallState("errno");
            MethodHandle set = linker.downcallHandle(linker.defaultLookup().findOrThrow("sched_setscheduler"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS), errno);
            VarHandle errnoOf = Linker.Option.captureStateLayout()
                    .varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
                MemorySegment param = arena.allocate(ValueLayout.JAVA_INT); // sched_priority 0, zeroed
                // pid 0: the calling thread (Linux schedules threads, not processes).
                int rc = (int) set.invokeExact(state, 0, SCHED_IDLE, param);
                return rc == 0 ? null : "sched_setscheduler failed: errno " + (int) errnoOf.get(state, 0L);
            }
        } catch (Throwable e) {
            return "sched_setscheduler unavailable: " + e;
        }
    }
}
