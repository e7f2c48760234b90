package io.basalt.engine.file;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * A second descriptor on a store's file for the Linux calls the JDK lacks — hole punching and the
 * allocated block count — made through the FFM API. {@link #open} returns null where the calls are
 * unavailable (not Linux, or native access denied) so the store falls back to portable code.
 */
final class NativeFile implements AutoCloseable {
    static final int EOPNOTSUPP = 95;
    static final int ENOSYS = 38;
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int FALLOC_FL_KEEP_SIZE = 1;
    private static final int FALLOC_FL_PUNCH_HOLE = 2;
    /** struct stat on x86_64 and aarch64 Linux: 144 bytes, st_blocks (512-byte units) at offset 64 on both. */
    private static final long STAT_SIZE = 144;
    private static final long ST_BLOCKS_OFFSET = 64;

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle FALLOCATE;
    private static final MethodHandle FSTAT;

    static {
        MethodHandle open = null;
        MethodHandle close = null;
        MethodHandle fallocate = null;
        MethodHandle fstat = null;
        try {
            if (System.getProperty("os.name", "").startsWith("Linux")) {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                // open(2) is variadic; declaring the mode argument as such keeps the call ABI-correct.
                open = linker.downcallHandle(libc.findOrThrow("open"),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT),
                        errno, Linker.Option.firstVariadicArg(2));
                close = linker.downcallHandle(libc.findOrThrow("close"),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
                fallocate = linker.downcallHandle(libc.findOrThrow("fallocate"),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                        errno);
                fstat = linker.downcallHandle(libc.findOrThrow("fstat"),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            }
        } catch (RuntimeException e) {
            open = null;
        }
        OPEN = open;
        CLOSE = close;
        FALLOCATE = fallocate;
        FSTAT = fstat;
    }

    private final int fd;
    /** Errno capture for {@link #punchHole}, which only the store's worker thread calls. */
    private final Arena arena = Arena.ofShared();
    private final MemorySegment capture = arena.allocate(CAPTURE);

    private NativeFile(int fd) {
        this.fd = fd;
    }

    /** Opens the file for the native calls, or returns null if they are unavailable here. */
    static NativeFile open(Path path) throws IOException {
        if (OPEN == null) {
            return null;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(state, a.allocateFrom(path.toString()), O_RDWR | O_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException("open(" + path + ") failed: errno " + (int) ERRNO.get(state, 0L));
            }
            return new NativeFile(fd);
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            // Native access denied (--illegal-native-access=deny) lands here: fall back, do not fail.
            return null;
        }
    }

    /**
     * Deallocates the range, keeping the file size; partial file system blocks at the ends are zeroed
     * by the kernel. Returns 0 or the errno.
     */
    int punchHole(long offset, long length) {
        try {
            int rc = (int) FALLOCATE.invokeExact(capture, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                    offset, length);
            return rc == 0 ? 0 : (int) ERRNO.get(capture, 0L);
        } catch (Throwable e) {
            return ENOSYS;
        }
    }

    /** Bytes the file occupies on disk (st_blocks * 512), or -1 if it cannot be told. */
    long allocatedBytes() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment stat = a.allocate(STAT_SIZE, 8);
            int rc = (int) FSTAT.invokeExact(fd, stat);
            return rc == 0 ? stat.get(ValueLayout.JAVA_LONG, ST_BLOCKS_OFFSET) * 512 : -1;
        } catch (Throwable e) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            int rc = (int) CLOSE.invokeExact(fd);
        } catch (Throwable e) {
            // Nothing useful to do: the descriptor is gone either way.
        }
        arena.close();
    }
}
