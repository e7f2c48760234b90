package io.basalt.engine.device.uring;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * One io_uring instance for reads, made with the FFM API: a submission ring the {@linkplain #prepareRead
 * producer} fills and {@linkplain #submit submits}, a completion ring one {@linkplain #reap consumer}
 * drains. The two may be different threads (each side has its own fields and errno buffer); each side is
 * single-threaded. Nothing is allocated per I/O: an SQE is written in place in the mapped array, and a
 * completion is handed to a {@link CompletionHandler} as its {@code user_data} and result.
 *
 * <p>Back-pressure: at most {@link #depth()} reads are in flight (prepared and not yet reaped), so the
 * completion ring (twice as deep) can never overflow; {@link #prepareRead} returns false at the limit.
 *
 * <p>Ring layout (io_uring_setup(2)): the kernel fills {@code struct io_uring_params} with the offsets of
 * head, tail, mask and arrays inside the rings; the producer publishes the SQ tail with a release store
 * and reads the kernel's SQ head with an acquire load; the consumer reads the CQ tail with acquire and
 * publishes its CQ head with release.
 *
 * <p>Registration ({@link #registerBuffer}, {@link #registerFiles}): a read into the registered buffer
 * from a registered descriptor is queued as {@code IORING_OP_READ_FIXED} on the descriptor's index, so
 * the kernel neither pins the buffer's pages nor looks up the descriptor per read (with O_DIRECT those
 * were 6% of the submitting thread's time at 4K QD32); any other read is a plain {@code IORING_OP_READ}.
 */
public final class IoUring implements AutoCloseable {
    /** Called by {@link #reap} for each completion: {@code result} is bytes read or a negative errno. */
    @FunctionalInterface
    public interface CompletionHandler {
        void onCompletion(long userData, int result);
    }

    /** io_uring_setup failed or is unavailable here (kernel, seccomp, sysctl, native access). */
    public static final class UnavailableException extends IOException {
        public UnavailableException(String message) {
            super(message);
        }
    }

    private static final long PARAMS_SIZE = 120;
    private static final long PARAMS_SQ_ENTRIES = 0;
    private static final long PARAMS_CQ_ENTRIES = 4;
    private static final long PARAMS_FEATURES = 20;
    /** struct io_sqring_offsets at 40: head, tail, ring_mask, ring_entries, flags, dropped, array. */
    private static final long SQ_OFF = 40;
    /** struct io_cqring_offsets at 80: head, tail, ring_mask, ring_entries, overflow, cqes. */
    private static final long CQ_OFF = 80;
    private static final long OFF_HEAD = 0;
    private static final long OFF_TAIL = 4;
    private static final long OFF_MASK = 8;
    private static final long SQ_OFF_ARRAY = 24;
    private static final long CQ_OFF_CQES = 20;
    private static final int FEAT_SINGLE_MMAP = 1;
    private static final long IORING_OFF_SQ_RING = 0;
    private static final long IORING_OFF_CQ_RING = 0x8000000L;
    private static final long IORING_OFF_SQES = 0x10000000L;
    private static final int ENTER_GETEVENTS = 1;
    /** Submits of at most this many entries are timed for {@link #smallSubmitNanos()}. */
    private static final int SMALL_SUBMIT = 2;
    private static final long REGISTER_BUFFERS = 0;
    private static final long REGISTER_FILES = 2;

    /** struct io_uring_sqe: 64 bytes. */
    private static final int SQE_SIZE = 64;
    private static final long SQE_OPCODE = 0;
    private static final long SQE_FLAGS = 1;
    private static final long SQE_FD = 4;
    private static final long SQE_OFF = 8;
    private static final long SQE_ADDR = 16;
    private static final long SQE_LEN = 24;
    private static final long SQE_USER_DATA = 32;
    private static final byte OP_NOP = 0;
    private static final byte OP_READ_FIXED = 4;
    /** SQE flag: {@code fd} is an index into the registered descriptors. */
    private static final byte IOSQE_FIXED_FILE = 1;
    private static final byte OP_READ = 22;
    /** struct io_uring_cqe: user_data at 0, res at 8; 16 bytes. */
    private static final int CQE_SIZE = 16;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle REAPED;

    static {
        try {
            REAPED = MethodHandles.lookup().findVarHandle(IoUring.class, "reaped", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int ringFd;
    private final int depth;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final MemorySegment sqes;
    private final long sqHead;
    private final long sqTail;
    private final int sqMask;
    private final long cqHead;
    private final long cqTail;
    private final int cqMask;
    private final long cqes;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment submitErrno = arena.allocate(LinuxCalls.CAPTURE);
    private final MemorySegment waitErrno = arena.allocate(LinuxCalls.CAPTURE);

    /** The registered buffer (index 0), [start, end); empty when none. Set before any read. */
    private long fixedStart;
    private long fixedEnd;
    /** The registered descriptors, by index; set before any read. */
    private int[] fixedFiles = new int[0];

    // Producer's side.
    private int localSqTail;
    private int unsubmitted;
    private long prepared;
    /** See {@link #smallSubmitNanos()}: written by the producer, volatile for stats. */
    private volatile long smallSubmitNanos;
    // Consumer's side: reaped is read by the producer for back-pressure (acquire/release).
    private int localCqHead;
    private long reaped;
    private boolean closed;

    private IoUring(int ringFd, MemorySegment params, MemorySegment sqRing, MemorySegment cqRing, MemorySegment sqes) {
        this.ringFd = ringFd;
        this.depth = params.get(ValueLayout.JAVA_INT, PARAMS_SQ_ENTRIES);
        this.sqRing = sqRing;
        this.cqRing = cqRing;
        this.sqes = sqes;
        this.sqHead = params.get(ValueLayout.JAVA_INT, SQ_OFF + OFF_HEAD);
        this.sqTail = params.get(ValueLayout.JAVA_INT, SQ_OFF + OFF_TAIL);
        this.sqMask = sqRing.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, SQ_OFF + OFF_MASK));
        this.cqHead = params.get(ValueLayout.JAVA_INT, CQ_OFF + OFF_HEAD);
        this.cqTail = params.get(ValueLayout.JAVA_INT, CQ_OFF + OFF_TAIL);
        this.cqMask = cqRing.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, CQ_OFF + OFF_MASK));
        this.cqes = params.get(ValueLayout.JAVA_INT, CQ_OFF + CQ_OFF_CQES);
        this.localSqTail = (int) INT.getAcquire(sqRing, sqTail);
        this.localCqHead = (int) INT.getAcquire(cqRing, cqHead);
        // SQE i always sits in array slot i: the indirection is set once.
        long array = params.get(ValueLayout.JAVA_INT, SQ_OFF + SQ_OFF_ARRAY);
        for (int i = 0; i < depth; i++) {
            sqRing.set(ValueLayout.JAVA_INT, array + 4L * i, i);
        }
    }

    /**
     * Sets up a ring of {@code entries} submission entries (a power of two the kernel may round up).
     *
     * @throws UnavailableException when io_uring cannot be used here (ENOSYS, EPERM from a container's
     *                              seccomp filter or {@code kernel.io_uring_disabled}, no native access)
     */
    public static IoUring open(int entries) throws UnavailableException {
        if (!LinuxCalls.available()) {
            throw new UnavailableException("io_uring needs Linux on x86_64 or aarch64 and native access "
                    + "(--enable-native-access=ALL-UNNAMED)");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = a.allocate(LinuxCalls.CAPTURE);
            MemorySegment params = a.allocate(PARAMS_SIZE, 8);
            int fd = (int) (long) LinuxCalls.SETUP.invokeExact(errno, LinuxCalls.SYS_IO_URING_SETUP, (long) entries,
                    params);
            if (fd < 0) {
                int e = LinuxCalls.errno(errno);
                throw new UnavailableException("io_uring_setup failed: errno " + e + switch (e) {
                    case LinuxCalls.ENOSYS -> " (ENOSYS: kernel without io_uring)";
                    case LinuxCalls.EPERM -> " (EPERM: blocked by seccomp or kernel.io_uring_disabled)";
                    default -> "";
                });
            }
            try {
                return map(fd, params, errno);
            } catch (UnavailableException | RuntimeException e) {
                int ignored = (int) LinuxCalls.CLOSE.invokeExact(fd);
                throw e;
            }
        } catch (UnavailableException e) {
            throw e;
        } catch (Throwable e) {
            throw new UnavailableException("io_uring unavailable: " + e);
        }
    }

    private static IoUring map(int fd, MemorySegment params, MemorySegment errno) throws Throwable {
        int sqEntries = params.get(ValueLayout.JAVA_INT, PARAMS_SQ_ENTRIES);
        int cqEntries = params.get(ValueLayout.JAVA_INT, PARAMS_CQ_ENTRIES);
        long sqSize = params.get(ValueLayout.JAVA_INT, SQ_OFF + SQ_OFF_ARRAY) + 4L * sqEntries;
        long cqSize = params.get(ValueLayout.JAVA_INT, CQ_OFF + CQ_OFF_CQES) + (long) CQE_SIZE * cqEntries;
        boolean single = (params.get(ValueLayout.JAVA_INT, PARAMS_FEATURES) & FEAT_SINGLE_MMAP) != 0;
        if (single) {
            sqSize = cqSize = Math.max(sqSize, cqSize);
        }
        MemorySegment sq = mmap(fd, sqSize, IORING_OFF_SQ_RING, errno);
        MemorySegment cq = single ? sq : mmap(fd, cqSize, IORING_OFF_CQ_RING, errno);
        MemorySegment sqes = mmap(fd, (long) SQE_SIZE * sqEntries, IORING_OFF_SQES, errno);
        return new IoUring(fd, params, sq, cq, sqes);
    }

    private static MemorySegment mmap(int fd, long size, long offset, MemorySegment errno) throws Throwable {
        long at = (long) LinuxCalls.MMAP.invokeExact(errno, MemorySegment.NULL, size,
                LinuxCalls.PROT_READ | LinuxCalls.PROT_WRITE, LinuxCalls.MAP_SHARED | LinuxCalls.MAP_POPULATE, fd,
                offset);
        if (at == LinuxCalls.MAP_FAILED) {
            throw new UnavailableException("mmap of the io_uring rings failed: errno " + LinuxCalls.errno(errno));
        }
        return MemorySegment.ofAddress(at).reinterpret(size);
    }

    /**
     * Opens {@code path} read-only for this ring's reads, with O_DIRECT if {@code direct}; returns the
     * descriptor, closed with {@link #closeFile}.
     */
    public static int openFile(Path path, boolean direct) throws IOException {
        if (!LinuxCalls.available()) {
            throw new UnavailableException("no native calls here");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = a.allocate(LinuxCalls.CAPTURE);
            int flags = LinuxCalls.O_RDONLY | LinuxCalls.O_CLOEXEC | (direct ? LinuxCalls.O_DIRECT : 0);
            int fd = (int) LinuxCalls.OPEN.invokeExact(errno, a.allocateFrom(path.toString()), flags, 0);
            if (fd < 0) {
                throw new IOException("open(" + path + ") for io_uring reads failed: errno " + LinuxCalls.errno(errno));
            }
            return fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new UnavailableException("open unavailable: " + e);
        }
    }

    public static void closeFile(int fd) {
        try {
            int ignored = (int) LinuxCalls.CLOSE.invokeExact(fd);
        } catch (Throwable e) {
            // Nothing to do: the descriptor leaks until exit.
        }
    }

    /**
     * Registers {@code [address, address + length)} as the ring's fixed buffer, which must stay mapped
     * until {@link #close}. Call before the first read. Fails with a reason an operator can act on, e.g.
     * when the pinned memory exceeds {@code RLIMIT_MEMLOCK} (then reads work as before).
     */
    public void registerBuffer(long address, long length) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iovec = a.allocate(16, 8);
            iovec.set(ValueLayout.JAVA_LONG, 0, address);
            iovec.set(ValueLayout.JAVA_LONG, 8, length);
            register(REGISTER_BUFFERS, iovec, 1, "buffers", a.allocate(LinuxCalls.CAPTURE));
        }
        fixedStart = address;
        fixedEnd = address + length;
    }

    /** Registers {@code fds} (open until {@link #close}) so reads from them skip the descriptor lookup. */
    public void registerFiles(int[] fds) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            register(REGISTER_FILES, a.allocateFrom(ValueLayout.JAVA_INT, fds), fds.length, "files",
                    a.allocate(LinuxCalls.CAPTURE));
        }
        fixedFiles = fds.clone();
    }

    private void register(long opcode, MemorySegment arg, int count, String what, MemorySegment errno)
            throws IOException {
        long n;
        try {
            n = (long) LinuxCalls.REGISTER.invokeExact(errno, LinuxCalls.SYS_IO_URING_REGISTER, (long) ringFd,
                    opcode, arg, (long) count);
        } catch (Throwable e) {
            throw new IOException("io_uring_register: " + e, e);
        }
        if (n < 0) {
            int e = LinuxCalls.errno(errno);
            throw new IOException("io_uring_register (" + what + ") failed: errno " + e + switch (e) {
                case LinuxCalls.ENOMEM -> " (ENOMEM: more than RLIMIT_MEMLOCK would be pinned; raise it, e.g."
                        + " LimitMEMLOCK= in the service unit)";
                case LinuxCalls.EPERM -> " (EPERM)";
                default -> "";
            });
        }
    }

    /** Reads the ring lets be in flight at once (the submission ring's size). */
    public int depth() {
        return depth;
    }

    /** Entries prepared and not yet handed to the kernel by {@link #submit}. Producer's thread. */
    public int unsubmitted() {
        return unsubmitted;
    }

    /** Reads prepared and not yet reaped. Producer's thread. */
    public int inFlight() {
        return (int) (prepared - (long) REAPED.getAcquire(this));
    }

    /**
     * Queues a read of {@code length} bytes at file {@code offset} of {@code fd} into native memory at
     * {@code address} (which must stay valid until its completion is reaped); submitted by the next
     * {@link #submit}. Returns false, queueing nothing, when {@link #depth()} reads are in flight.
     * Producer's thread.
     */
    public boolean prepareRead(int fd, long address, int length, long offset, long userData) {
        return prepare(OP_READ, fd, address, length, offset, userData);
    }

    /** Queues an operation that completes at once with result 0: a wake-up for the consumer. */
    public boolean prepareNop(long userData) {
        return prepare(OP_NOP, -1, 0, 0, 0, userData);
    }

    private boolean prepare(byte opcode, int fd, long address, int length, long offset, long userData) {
        byte flags = 0;
        if (opcode == OP_READ) {
            for (int i = 0; i < fixedFiles.length; i++) {
                if (fixedFiles[i] == fd) {
                    fd = i;
                    flags = IOSQE_FIXED_FILE;
                    break;
                }
            }
            if (address >= fixedStart && address + length <= fixedEnd) {
                // buf_index stays 0: the one registered buffer.
                opcode = OP_READ_FIXED;
            }
        }
        if (inFlight() >= depth || localSqTail - (int) INT.getAcquire(sqRing, sqHead) >= depth) {
            return false;
        }
        long at = (long) (localSqTail & sqMask) * SQE_SIZE;
        for (long i = 0; i < SQE_SIZE; i += 8) {
            sqes.set(ValueLayout.JAVA_LONG, at + i, 0L);
        }
        sqes.set(ValueLayout.JAVA_BYTE, at + SQE_OPCODE, opcode);
        sqes.set(ValueLayout.JAVA_BYTE, at + SQE_FLAGS, flags);
        sqes.set(ValueLayout.JAVA_INT, at + SQE_FD, fd);
        sqes.set(ValueLayout.JAVA_LONG, at + SQE_OFF, offset);
        sqes.set(ValueLayout.JAVA_LONG, at + SQE_ADDR, address);
        sqes.set(ValueLayout.JAVA_INT, at + SQE_LEN, length);
        sqes.set(ValueLayout.JAVA_LONG, at + SQE_USER_DATA, userData);
        localSqTail++;
        // The SQE's stores come before the tail the kernel reads.
        INT.setRelease(sqRing, sqTail, localSqTail);
        unsubmitted++;
        prepared++;
        return true;
    }

    /**
     * Hands every prepared entry to the kernel (io_uring_enter), retrying when interrupted or briefly out
     * of resources; a submit of one or two entries is timed ({@link #smallSubmitNanos()}). Producer's thread.
     */
    public void submit() throws IOException {
        int entries = unsubmitted;
        if (entries == 0) {
            return;
        }
        long start = System.nanoTime();
        submitAll();
        if (entries <= SMALL_SUBMIT) {
            long took = System.nanoTime() - start;
            smallSubmitNanos += (took - smallSubmitNanos) / 8;
        }
    }

    /**
     * What handing one or two entries to the kernel costs here, ns (a moving average over the last
     * several such submits; 0 before the first): the system call and, on a virtual disk, the
     * doorbell write that exits to the hypervisor — 18-20 µs on one VM measured, where a submit per
     * read took most of a core. Any thread.
     */
    public long smallSubmitNanos() {
        return smallSubmitNanos;
    }

    private void submitAll() throws IOException {
        while (unsubmitted > 0) {
            long n;
            try {
                n = (long) LinuxCalls.ENTER.invokeExact(submitErrno, LinuxCalls.SYS_IO_URING_ENTER, (long) ringFd,
                        (long) unsubmitted, 0L, 0L, MemorySegment.NULL, 0L);
            } catch (Throwable e) {
                throw new IOException("io_uring_enter: " + e, e);
            }
            if (n >= 0) {
                unsubmitted -= (int) n;
                continue;
            }
            int e = LinuxCalls.errno(submitErrno);
            if (e != LinuxCalls.EINTR && e != LinuxCalls.EAGAIN && e != LinuxCalls.EBUSY) {
                throw new IOException("io_uring_enter (submit) failed: errno " + e);
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Hands every completion now in the completion ring to {@code handler}, in order, and frees their
     * entries; returns how many. Consumer's thread.
     */
    public int reap(CompletionHandler handler) {
        int tail = (int) INT.getAcquire(cqRing, cqTail);
        int n = 0;
        for (int head = localCqHead; head != tail; head++, n++) {
            long at = cqes + (long) (head & cqMask) * CQE_SIZE;
            long userData = cqRing.get(ValueLayout.JAVA_LONG, at);
            int result = cqRing.get(ValueLayout.JAVA_INT, at + 8);
            // Free the entry before the handler runs, so what it does next finds room.
            localCqHead = head + 1;
            INT.setRelease(cqRing, cqHead, localCqHead);
            REAPED.setRelease(this, reaped + 1);
            handler.onCompletion(userData, result);
        }
        return n;
    }

    /** Blocks until at least one completion is in the ring (or a signal interrupts the wait). Consumer's thread. */
    public void awaitCompletion() throws IOException {
        if ((int) INT.getAcquire(cqRing, cqTail) != localCqHead) {
            return;
        }
        long n;
        try {
            n = (long) LinuxCalls.ENTER.invokeExact(waitErrno, LinuxCalls.SYS_IO_URING_ENTER, (long) ringFd, 0L, 1L,
                    (long) ENTER_GETEVENTS, MemorySegment.NULL, 0L);
        } catch (Throwable e) {
            throw new IOException("io_uring_enter: " + e, e);
        }
        if (n < 0) {
            int e = LinuxCalls.errno(waitErrno);
            if (e != LinuxCalls.EINTR && e != LinuxCalls.EAGAIN && e != LinuxCalls.EBUSY) {
                throw new IOException("io_uring_enter (wait) failed: errno " + e);
            }
        }
    }

    /**
     * Waits for every read in flight (the kernel may still write into their buffers), then unmaps the
     * rings and closes the ring. Call when neither producer nor consumer uses the ring any more.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            submit();
            while (inFlight() > 0) {
                if (reap((userData, result) -> { }) == 0) {
                    awaitCompletion();
                }
            }
        } catch (IOException e) {
            // The ring failed: closing it below makes the kernel cancel and wait for what is left.
        }
        try {
            int ignored = (int) LinuxCalls.MUNMAP.invokeExact(sqes.address(), sqes.byteSize());
            if (cqRing.address() != sqRing.address()) {
                ignored = (int) LinuxCalls.MUNMAP.invokeExact(cqRing.address(), cqRing.byteSize());
            }
            ignored = (int) LinuxCalls.MUNMAP.invokeExact(sqRing.address(), sqRing.byteSize());
        } catch (Throwable e) {
            // Left mapped until exit.
        }
        closeFile(ringFd);
        arena.close();
    }
}
