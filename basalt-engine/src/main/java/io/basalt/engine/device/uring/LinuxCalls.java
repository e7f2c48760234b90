package io.basalt.engine.device.uring;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls io_uring needs, as FFM downcalls: {@code syscall} (glibc has no io_uring wrappers),
 * {@code mmap}/{@code munmap} for the rings and buffers, {@code madvise} for huge pages and
 * {@code open}/{@code close} for a read descriptor.
 * Every handle is null where they cannot be made (not Linux x86_64/aarch64, or native access denied):
 * {@link #available()} says so, and callers fall back to blocking I/O.
 */
final class LinuxCalls {
    /** System call numbers, the same on x86_64 and aarch64 (asm-generic numbered these after 5.1). */
    static final long SYS_IO_URING_SETUP = 425;
    static final long SYS_IO_URING_ENTER = 426;
    static final long SYS_IO_URING_REGISTER = 427;

    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EBUSY = 16;
    static final int ENOSYS = 38;

    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    /** O_DIRECT's value differs between architectures; 0 where unknown (then no io_uring at all). */
    static final int O_DIRECT = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> 0x4000;
        case "aarch64" -> 0x10000;
        default -> 0;
    };

    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MAP_PRIVATE = 2;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MADV_HUGEPAGE = 14;
    static final int MAP_POPULATE = 0x8000;
    static final long MAP_FAILED = -1L;

    static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** {@code long syscall(SYS_io_uring_setup, entries, params)}. */
    static final MethodHandle SETUP;
    /** {@code long syscall(SYS_io_uring_enter, fd, to_submit, min_complete, flags, NULL, 0)}. */
    static final MethodHandle ENTER;
    /** {@code long syscall(SYS_io_uring_register, fd, opcode, arg, nr_args)}. */
    static final MethodHandle REGISTER;
    static final MethodHandle MMAP;
    static final MethodHandle MUNMAP;
    /** {@code int madvise(addr, length, advice)}. */
    static final MethodHandle MADVISE;
    static final MethodHandle OPEN;
    static final MethodHandle CLOSE;

    static {
        MethodHandle setup = null;
        MethodHandle enter = null;
        MethodHandle register = null;
        MethodHandle mmap = null;
        MethodHandle munmap = null;
        MethodHandle madvise = null;
        MethodHandle open = null;
        MethodHandle close = null;
        try {
            if (System.getProperty("os.name", "").startsWith("Linux") && O_DIRECT != 0) {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                // syscall(2) is variadic and reads every argument as a long: pass longs, so no
                // register keeps stale upper bits.
                MemorySegment syscall = libc.findOrThrow("syscall");
                setup = linker.downcallHandle(syscall, FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
                        errno, Linker.Option.firstVariadicArg(1));
                enter = linker.downcallHandle(syscall, FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                        errno, Linker.Option.firstVariadicArg(1));
                register = linker.downcallHandle(syscall, FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG), errno, Linker.Option.firstVariadicArg(1));
                mmap = linker.downcallHandle(libc.findOrThrow("mmap"), FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), errno);
                munmap = linker.downcallHandle(libc.findOrThrow("munmap"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
                madvise = linker.downcallHandle(libc.findOrThrow("madvise"), FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), errno);
                // open(2) is variadic in its mode argument.
                open = linker.downcallHandle(libc.findOrThrow("open"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                        errno, Linker.Option.firstVariadicArg(2));
                close = linker.downcallHandle(libc.findOrThrow("close"),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            }
        } catch (RuntimeException e) {
            // Native access denied (--illegal-native-access=deny) or a libc without a symbol.
            setup = null;
        }
        SETUP = setup;
        ENTER = enter;
        REGISTER = register;
        MMAP = mmap;
        MUNMAP = munmap;
        MADVISE = madvise;
        OPEN = open;
        CLOSE = close;
    }

    private LinuxCalls() {
    }

    static boolean available() {
        return SETUP != null;
    }

    /** The errno a call stored in {@code capture}. */
    static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }
}
