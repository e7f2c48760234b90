package io.basalt.engine.device.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Native memory for device reads, in transparent huge pages where the kernel gives them: anonymous
 * memory mapped 2 MiB-aligned and advised {@code MADV_HUGEPAGE} before it is first touched. In 2 MiB
 * pages a 128 KiB read lands in one physically contiguous stretch; in 4 KiB pages it may be up to 32
 * pieces, and a VM's virtual disk serves every piece on its own (measured on the development VM: the
 * JVM's direct memory gave 9-25 pieces per 128 KiB). Where huge pages are off ({@code
 * transparent_hugepage=never}) the memory is ordinary pages and works the same. Freed by {@link #close},
 * after which its buffer must not be touched.
 */
public final class HugePageBuffer implements AutoCloseable {
    /** The huge page size the mapping is aligned to (x86_64 and aarch64 with 4 KiB base pages). */
    public static final int HUGE_PAGE = 2 << 20;

    private final long mapping;
    private final long mappedBytes;
    private final ByteBuffer buffer;
    private final boolean advised;

    private HugePageBuffer(long mapping, long mappedBytes, ByteBuffer buffer, boolean advised) {
        this.mapping = mapping;
        this.mappedBytes = mappedBytes;
        this.buffer = buffer;
        this.advised = advised;
    }

    /**
     * Maps {@code size} bytes (a multiple of {@link #HUGE_PAGE}) and touches every page, so no read
     * pays for a page fault; throws where native calls are unavailable or the mapping fails.
     */
    public static HugePageBuffer allocate(int size) throws IoUring.UnavailableException {
        if (size <= 0 || size % HUGE_PAGE != 0) {
            throw new IllegalArgumentException("size must be a positive multiple of " + HUGE_PAGE + ": " + size);
        }
        if (!LinuxCalls.available()) {
            throw new IoUring.UnavailableException("no native calls here");
        }
        long mappedBytes = (long) size + HUGE_PAGE;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = a.allocate(LinuxCalls.CAPTURE);
            long at = (long) LinuxCalls.MMAP.invokeExact(errno, MemorySegment.NULL, mappedBytes,
                    LinuxCalls.PROT_READ | LinuxCalls.PROT_WRITE, LinuxCalls.MAP_PRIVATE | LinuxCalls.MAP_ANONYMOUS,
                    -1, 0L);
            if (at == LinuxCalls.MAP_FAILED) {
                throw new IoUring.UnavailableException("mmap of " + mappedBytes + " bytes failed: errno "
                        + LinuxCalls.errno(errno));
            }
            long aligned = (at + HUGE_PAGE - 1) & -HUGE_PAGE;
            boolean advised = (int) LinuxCalls.MADVISE.invokeExact(errno, aligned, (long) size,
                    LinuxCalls.MADV_HUGEPAGE) == 0;
            ByteBuffer buffer = MemorySegment.ofAddress(aligned).reinterpret(size).asByteBuffer()
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < size; i += 4096) {
                buffer.put(i, (byte) 0);
            }
            return new HugePageBuffer(at, mappedBytes, buffer, advised);
        } catch (IoUring.UnavailableException e) {
            throw e;
        } catch (Throwable e) {
            throw new IoUring.UnavailableException("mmap unavailable: " + e);
        }
    }

    /** The memory, little-endian, position 0 and limit its size. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Whether the kernel took the huge page advice (it may still fall back to small pages). */
    public boolean advised() {
        return advised;
    }

    @Override
    public void close() {
        try {
            int ignored = (int) LinuxCalls.MUNMAP.invokeExact(mapping, mappedBytes);
        } catch (Throwable e) {
            // Nothing to do: the memory stays mapped until exit.
        }
    }
}
