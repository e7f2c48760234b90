package io.basalt.engine.pool;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.device.FileDevice;
import io.basalt.engine.device.uring.HugePageBuffer;
import io.basalt.engine.device.uring.IoUring;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.log.SegmentLayout;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads through io_uring instead of a thread per outstanding read: the engine thread (the producer)
 * resolves a read into a slot and queues one device read per run of the request; one completion thread
 * reaps, and when a request's last run has landed decodes its blocks and completes it. Every run of
 * every queued request is in flight at once, up to {@link #DEPTH}.
 *
 * <p>Submission is batched: {@link #publish} only queues entries, and the engine {@linkplain #flush
 * submits} them once per turn, after it has drained its queue, so a turn that hands off many reads
 * makes one {@code io_uring_enter} instead of one per read (that call was the engine thread's top
 * native cost at QD32). So that the first read of a long turn does not wait for the resolving of all
 * after it, and so that an idle device gets work at once, {@link #publish} submits by itself when its
 * {@link SubmitPolicy} says so.
 *
 * <p>Buffer ownership: each run reads into its own region of one native arena, handed out in slot
 * order like a ring of bytes (a request's runs take one contiguous stretch) and given back in slot
 * order when the completion thread frees the slot, so no two reads in flight share a byte and no region
 * is reused before its request has been decoded. Requests may finish out of order; the head (the epoch
 * {@link Readers} keeps) moves only over a prefix of finished slots, as a reader thread's would.
 *
 * <p>The arena is a {@link HugePageBuffer}: in 2 MiB pages, a run of up to 128 KiB is one physically
 * contiguous piece of memory, where small pages made it up to 32 pieces for the device to fill.
 *
 * <p>Reads in place (opt-in, {@link PoolConfig#READ_IN_PLACE_PROP_NAME}): when every block of a
 * request is stored as it is (not compressed, not encrypted, 4 KiB-aligned) and the host's buffer is
 * direct with its writer index at {@link BlockIo#BUFFER_ALIGNMENT} in memory (the NVMe/TCP target's
 * buffers for reads of {@link BlockIo#IN_PLACE_MIN_LENGTH} and more are), the runs are read straight
 * into that buffer and only their CRCs are checked: no arena bytes, no copy. The store owns the buffer until
 * it completes the read
 * ({@link BlockIo#buffer}), so the device never writes into memory the host's side has let go.
 *
 * <p>Nothing is allocated and no lock taken per read: slots, their run tables and the arena exist
 * from the start, and a completion's {@code user_data} is the slot and run index.
 */
final class UringReader extends SlotRing implements Runnable, IoUring.CompletionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(UringReader.class);
    /**
     * Requests queued at once (a power of two): more than a host's deepest queue (128), since a read
     * that finds no slot is served by the engine thread with blocking reads (at 64, QD128 spent its
     * time there).
     */
    static final int SLOTS = 256;
    /**
     * Device reads in flight at once: the ring's depth. Enough for every run of 32 queued 128 KiB reads
     * of scattered 4 KiB blocks: a read the ring has no room for is served by the engine thread, one
     * blocking run after another (at 128 a QD32 scattered read ran at a third of QD4's speed).
     */
    static final int DEPTH = 1024;
    /**
     * Native bytes the runs in flight read into: {@link #DEPTH} runs of up to 8 KiB (a 4 KiB payload
     * that straddles a page), twice over; a request needing more than half is served inline.
     */
    static final int ARENA_BYTES = 16 << 20;
    private static final int RUN_BITS = 16;
    private static final long WAKE_UP = -1L;

    private final IoUring ring;
    /** A read-only descriptor per device of the layout, opened like the device (O_DIRECT or not). */
    private final int[] fds;
    private final SegmentLayout layout;
    private final PayloadDecoder decoder;
    private final int maxRun;
    /** Per slot and block: where the block's payload lands in the arena. Written by the engine. */
    private final int[][] payloadAt = new int[SLOTS][ReadRequest.MAX_BLOCKS];
    /** Per slot and run: the bytes its device read must return. Written by the engine. */
    private final int[][] runLength = new int[SLOTS][ReadRequest.MAX_BLOCKS];
    /** Per slot: the arena position (monotonic) its runs end at. Written by the engine. */
    private final long[] arenaEnd = new long[SLOTS];
    /** Per slot: runs still in flight; set by the engine before it submits, then the consumer's. */
    private final int[] pending = new int[SLOTS];
    /** Per slot: the consumer's. */
    private final int[] status = new int[SLOTS];
    private final boolean[] finished = new boolean[SLOTS];
    /** Per slot: its runs were read into the host's buffer, not the arena. Written by the engine. */
    private final boolean[] inPlace = new boolean[SLOTS];
    /** The arena's memory, in huge pages where the kernel gives them: unmapped by {@link #stop}. */
    private final HugePageBuffer arenaMemory;
    private final ByteBuffer arena;
    private final ByteBuffer view;
    /** {@link PoolConfig#readInPlace()} when the pool opened. */
    private final boolean inPlaceAllowed;
    private final long arenaAddress;
    /** The engine's: where the next request's runs go (monotonic; modulo the arena size). */
    private long arenaTail;
    /** Written by the consumer as it frees slots: arena bytes before it may be reused. */
    private final AtomicLong arenaHead = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;
    /** Written by the consumer only; read by stats from any thread. */
    private volatile long checksumErrors;
    /** Requests read in place and completed OK; written by the consumer only. */
    private volatile long readsInPlace;
    /** The engine's: when {@link #publish} submits rather than leaving it to the turn's {@link #flush}. */
    private final SubmitPolicy submits;

    private UringReader(IoUring ring, int[] fds, HugePageBuffer arenaMemory, SegmentLayout layout, PoolConfig config,
                        String name) {
        super(SLOTS);
        this.ring = ring;
        this.fds = fds;
        this.layout = layout;
        this.decoder = new PayloadDecoder();
        this.maxRun = config.maxBatchPayload();
        this.arenaMemory = arenaMemory;
        this.arena = arenaMemory.buffer();
        this.inPlaceAllowed = PoolConfig.readInPlace();
        this.view = arena.duplicate();
        this.arenaAddress = MemorySegment.ofBuffer(arena).address();
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this);
        this.submits = new SubmitPolicy(name);
    }

    /**
     * A reader over the layout's devices, or an exception saying why io_uring cannot serve them (no
     * io_uring here, or a device that is not a {@link FileDevice}).
     */
    static UringReader open(SegmentLayout layout, PoolConfig config, String name) throws IOException {
        List<BlockDevice> devices = layout.devices();
        for (BlockDevice d : devices) {
            if (!(d instanceof FileDevice)) {
                throw new IoUring.UnavailableException("device " + d.name() + " is not a file or block device");
            }
        }
        IoUring ring = IoUring.open(DEPTH);
        int[] fds = new int[devices.size()];
        int opened = 0;
        HugePageBuffer arenaMemory = null;
        try {
            for (; opened < fds.length; opened++) {
                FileDevice f = (FileDevice) devices.get(opened);
                fds[opened] = IoUring.openFile(f.path(), f.isDirect());
            }
            arenaMemory = HugePageBuffer.allocate(ARENA_BYTES);
            UringReader reader = new UringReader(ring, fds, arenaMemory, layout, config, name);
            reader.register();
            return reader;
        } catch (IOException | RuntimeException e) {
            for (int i = 0; i < opened; i++) {
                IoUring.closeFile(fds[i]);
            }
            if (arenaMemory != null) {
                arenaMemory.close();
            }
            ring.close();
            throw e;
        }
    }

    /**
     * Registers the descriptors and the arena with the ring, so a read costs the kernel no descriptor
     * lookup and no pinning of its pages; where the kernel refuses (a low {@code RLIMIT_MEMLOCK} for the
     * arena's 16 MiB), reads go on without and the log says why.
     */
    private void register() {
        if (!arenaMemory.advised()) {
            LOG.info("{}: the read arena is in small pages (no transparent huge pages here)", thread.getName());
        }
        try {
            ring.registerFiles(fds);
            ring.registerBuffer(arenaAddress, ARENA_BYTES);
        } catch (IOException e) {
            LOG.info("{}: io_uring reads without registered buffers: {}", thread.getName(), e.getMessage());
        }
    }

    /**
     * Queues one device read per run of the claimed request, submitted by the next {@link #flush} (or
     * here, when the {@link SubmitPolicy} says so); false if the request has nothing to read from the
     * device, or the ring or the arena lacks room for it now.
     */
    @Override
    public boolean publish() {
        long t = tail.get();
        int s = index(t);
        ReadRequest r = slot(t);
        long inPlaceAt = inPlaceAllowed ? RunReader.inPlaceAddress(r, r.io.buffer()) : -1;
        if (inPlaceAt >= 0) {
            return publishInPlace(t, s, r, inPlaceAt);
        }
        long[] addresses = r.addresses;
        int n = r.blocks;
        int runs = 0;
        int bytes = 0;
        for (int i = 0; i < n; ) {
            if (addresses[i] == PhysAddr.NONE) {
                i++;
                continue;
            }
            int j = RunReader.runEnd(addresses, i, n, maxRun);
            bytes += RunReader.windowEnd(addresses[j - 1]) - RunReader.windowStart(addresses[i]);
            runs++;
            i = j;
        }
        long start = arenaStart(bytes);
        if (runs == 0 || runs > ring.depth() - ring.inFlight() || start < 0) {
            return false;
        }
        int at = (int) (start % ARENA_BYTES);
        int run = 0;
        for (int i = 0; i < n; ) {
            long a = addresses[i];
            if (a == PhysAddr.NONE) {
                i++;
                continue;
            }
            int j = RunReader.runEnd(addresses, i, n, maxRun);
            int seg = PhysAddr.segment(a);
            int windowStart = RunReader.windowStart(a);
            int length = RunReader.windowEnd(addresses[j - 1]) - windowStart;
            for (int k = i; k < j; k++) {
                payloadAt[s][k] = at + PhysAddr.offset(addresses[k]) - windowStart;
            }
            runLength[s][run] = length;
            ring.prepareRead(fds[layout.deviceIndex(seg)], arenaAddress + at, length,
                    layout.position(seg, windowStart), (long) s << RUN_BITS | run);
            at += length;
            run++;
            i = j;
        }
        inPlace[s] = false;
        arenaEnd[s] = start + bytes;
        arenaTail = start + bytes;
        publish(t, s, runs);
        return true;
    }

    /**
     * As {@link #publish()} for a request {@link RunReader#inPlaceAddress} admits: each run is read into the
     * host's buffer where its first block belongs, unmapped blocks are zeroed there now, and the
     * request takes no arena bytes.
     */
    private boolean publishInPlace(long t, int s, ReadRequest r, long base) {
        long[] addresses = r.addresses;
        int n = r.blocks;
        int runs = 0;
        for (int i = 0; i < n; ) {
            if (addresses[i] == PhysAddr.NONE) {
                i++;
            } else {
                i = RunReader.runEnd(addresses, i, n, maxRun);
                runs++;
            }
        }
        if (runs == 0 || runs > ring.depth() - ring.inFlight()) {
            return false;
        }
        ByteBuf dst = r.io.buffer();
        int blockSize = r.volume.blockSize();
        int run = 0;
        for (int i = 0; i < n; ) {
            long a = addresses[i];
            if (a == PhysAddr.NONE) {
                dst.setZero(dst.writerIndex() + i * blockSize, blockSize);
                i++;
                continue;
            }
            int j = RunReader.runEnd(addresses, i, n, maxRun);
            int seg = PhysAddr.segment(a);
            int length = (j - i) * blockSize;
            runLength[s][run] = length;
            ring.prepareRead(fds[layout.deviceIndex(seg)], base + (long) i * blockSize, length,
                    layout.position(seg, PhysAddr.offset(a)), (long) s << RUN_BITS | run);
            run++;
            i = j;
        }
        inPlace[s] = true;
        // No arena bytes: when this slot is freed the arena head moves only up to what came before.
        arenaEnd[s] = arenaTail;
        publish(t, s, runs);
        return true;
    }

    /** Publishes slot {@code s} (tail {@code t}) with {@code runs} device reads queued for it. */
    private void publish(long t, int s, int runs) {
        pending[s] = runs;
        status[s] = IoStatus.OK;
        // A full volatile store before the submit: the consumer reads tail before a slot's fields.
        tail.set(t + 1);
        if (submits.submitNow(ring)) {
            flush();
        }
    }

    /** Submits every queued entry: one {@code io_uring_enter} for all reads published since the last. */
    @Override
    public void flush() {
        try {
            ring.submit();
        } catch (IOException e) {
            // The entries stay queued in the ring; the next flush hands them over.
            LOG.error("io_uring submit failed: {}", e.toString());
        }
    }

    /** Where {@code bytes} contiguous arena bytes start (monotonic), or -1 if they are not free now. */
    private long arenaStart(int bytes) {
        if (bytes > ARENA_BYTES / 2) {
            return -1;
        }
        long start = arenaTail;
        int at = (int) (start % ARENA_BYTES);
        if (at + bytes > ARENA_BYTES) {
            start += ARENA_BYTES - at;
        }
        return start + bytes - arenaHead.get() <= ARENA_BYTES ? start : -1;
    }

    @Override
    public void start() {
        thread.start();
    }

    @Override
    public void run() {
        while (true) {
            try {
                if (ring.reap(this) == 0) {
                    if (stopping && head.get() == tail.get()) {
                        break;
                    }
                    ring.awaitCompletion();
                }
            } catch (IOException e) {
                LOG.error("io_uring wait failed: {}", e.toString());
                LockSupport.parkNanos(1_000_000L);
            }
        }
        decoder.close();
    }

    /** A completed device read (consumer's thread): finishes its request once its last run is in. */
    @Override
    public void onCompletion(long userData, int result) {
        if (userData == WAKE_UP) {
            return;
        }
        // A volatile read that sees the tail published with this request, and so its slot's fields.
        tail.get();
        int s = (int) (userData >>> RUN_BITS);
        int run = (int) (userData & ((1 << RUN_BITS) - 1));
        if (result != runLength[s][run] && status[s] == IoStatus.OK) {
            ReadRequest r = slot(s);
            LOG.warn("{}: a device read of {} bytes for blocks from {} returned {}", r.volume, runLength[s][run],
                    r.lba, result);
            status[s] = IoStatus.READ_ERROR;
        }
        if (--pending[s] == 0) {
            finish(s);
        }
    }

    private void finish(int s) {
        ReadRequest r = slot(s);
        BlockIo io = r.io;
        int st = status[s];
        if (st == IoStatus.OK) {
            st = inPlace[s] ? checkInPlace(r) : decode(s, r);
        }
        r.clear();
        finished[s] = true;
        long h = head.get();
        long freedTo = -1;
        for (int i; h < tail.get() && finished[i = index(h)]; h++) {
            finished[i] = false;
            freedTo = arenaEnd[i];
        }
        if (freedTo >= 0) {
            arenaHead.lazySet(freedTo);
            // Publishing the head ends these reads' epoch and frees their slots; before the
            // completion, as a reader thread does, so the host's next read finds the queue idle.
            head.lazySet(h);
        }
        Engine.complete(io, st);
    }

    /**
     * Checks the CRC of every mapped block of a request read in place and moves the writer index over
     * its blocks; on a failure the index stays and the read fails.
     */
    private int checkInPlace(ReadRequest r) {
        ByteBuf dst = r.io.buffer();
        int blockSize = r.volume.blockSize();
        int from = dst.writerIndex();
        int bytes = r.blocks * blockSize;
        // The buffer's own cached view of its memory (pooled buffers keep one): no allocation.
        ByteBuffer memory = dst.internalNioBuffer(from, bytes);
        if (!RunReader.checkInPlace(decoder, r, 0, r.blocks, memory, memory.position())) {
            checksumErrors++;
            return IoStatus.READ_ERROR;
        }
        dst.writerIndex(from + bytes);
        readsInPlace++;
        return IoStatus.OK;
    }

    private int decode(int s, ReadRequest r) {
        try {
            int blockSize = r.volume.blockSize();
            for (int k = 0; k < r.blocks; k++) {
                if (r.addresses[k] == PhysAddr.NONE) {
                    r.io.buffer().writeZero(blockSize);
                } else if (!RunReader.decode(decoder, r, k, view, payloadAt[s][k], r.io.buffer())) {
                    checksumErrors++;
                    return IoStatus.READ_ERROR;
                }
            }
            return IoStatus.OK;
        } catch (RuntimeException e) {
            return IoStatus.INTERNAL_ERROR;
        }
    }

    /**
     * Lets every queued read finish, ends the completion thread, waits for it and closes the ring and
     * descriptors. Called after the engine thread has ended, so this thread is the ring's one producer.
     */
    @Override
    public void stop() {
        if (thread.getState() != Thread.State.NEW) {
            stopping = true;
            try {
                // Wakes the completion thread if it waits with nothing in flight; when the ring is
                // full, the reads in flight wake it instead.
                if (ring.prepareNop(WAKE_UP)) {
                    ring.submit();
                }
            } catch (IOException e) {
                LOG.error("io_uring wake-up failed: {}", e.toString());
            }
            join(thread);
        } else {
            decoder.close();
        }
        ring.close();
        for (int fd : fds) {
            IoUring.closeFile(fd);
        }
        arenaMemory.close();
    }

    @Override
    public long checksumErrors() {
        return checksumErrors;
    }

    @Override
    public long readsInPlace() {
        return readsInPlace;
    }

    @Override
    public long submitNanos() {
        return ring.smallSubmitNanos();
    }
}
