package io.basalt.engine.pool;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.engine.gc.ReadEpochs;
import io.basalt.engine.gc.SegmentLimbo;
import io.basalt.engine.log.SegmentLayout;
import io.basalt.engine.map.ExtentTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Reads off the engine thread: the engine resolves a read's addresses and CRCs from the map
 * ({@link ReadRequest#resolve}) and hands it to a {@link ReadQueue}: the one {@link UringReader} (every
 * device read of every queued request in flight at once) or the least busy {@link Reader} thread,
 * which does the device reads, checks and completion. The engine serves a read itself when a hand-off
 * cannot help: no reader threads, a read too long for one request, every ring full (or no room in
 * io_uring) — or the read is alone (nothing else queued, no reader busy), where waking a reader would
 * only add its wake-up to the latency (QD1).
 *
 * <p>Reads resolved before a segment is freed may still be reading it, so freed segments wait in
 * {@link SegmentLimbo} for the <em>read epoch</em> taken here ({@link #epoch}): every reader's tail
 * at the time of the free. A queue frees its slots in order, so the epoch has passed once every
 * queue's head has reached it.
 */
final class Readers implements ReadEpochs {
    private static final Logger LOG = LoggerFactory.getLogger(Readers.class);
    private final ReadQueue[] readers;
    /** The engine thread's own: for reads it serves itself. */
    private final RunReader inline;
    private final ReadRequest inlineRequest = new ReadRequest();
    private final ExtentTable extents;

    Readers(SegmentLayout layout, PoolConfig config, String name, PayloadDecoder engineDecoder, ExtentTable extents) {
        this.extents = extents;
        this.inline = new RunReader(layout, config, engineDecoder);
        this.readers = queues(layout, config, name);
    }

    /**
     * One io_uring queue where {@value PoolConfig#READ_IO_PROP_NAME} asks for it and it can serve the
     * devices, else {@code readThreads} reader threads (none: the engine serves every read). Says which once.
     */
    private static ReadQueue[] queues(SegmentLayout layout, PoolConfig config, String name) {
        if (config.readThreads() == 0) {
            LOG.info("Pool {}: the engine thread does every device read", name);
            return new ReadQueue[0];
        }
        String why = "basalt.engine.io=" + PoolConfig.readIo();
        if (PoolConfig.READ_IO_URING.equals(PoolConfig.readIo())) {
            try {
                UringReader uring = UringReader.open(layout, config, "basalt-read-" + name + "-uring");
                LOG.info("Pool {}: device reads through io_uring (depth {}, {} requests)", name, UringReader.DEPTH,
                        UringReader.SLOTS);
                return new ReadQueue[]{uring};
            } catch (IOException | RuntimeException e) {
                why = "io_uring unavailable: " + e.getMessage();
            }
        }
        LOG.info("Pool {}: device reads by {} reader threads ({})", name, config.readThreads(), why);
        ReadQueue[] threads = new ReadQueue[config.readThreads()];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Reader("basalt-read-" + name + "-" + i, new PayloadDecoder(), layout, config);
        }
        return threads;
    }

    @Override
    public int threads() {
        return readers.length;
    }

    void start() {
        for (ReadQueue r : readers) {
            r.start();
        }
    }

    /** Lets every reader finish what it holds, then stops them. */
    void stop() {
        for (ReadQueue r : readers) {
            r.stop();
        }
    }

    /**
     * Reads {@code io} (its range already checked to lie in {@code v}): handed to a reader thread, or
     * served here if none can take it. Engine thread. Completes {@code io} exactly once.
     */
    void read(EngineBlockStore v, BlockIo io, boolean alone) {
        long lba = io.offset() >> v.blockShift();
        int n = io.length() >> v.blockShift();
        if (!(alone && !busy())) {
            ReadQueue r = n <= ReadRequest.MAX_BLOCKS ? leastBusy() : null;
            ReadRequest slot = r == null ? null : r.claim();
            if (slot != null) {
                slot.resolve(v, io, lba, n, extents);
                if (r.publish()) {
                    return;
                }
                slot.clear();
            }
            // Start the reads queued earlier in this turn before blocking on this one.
            flush();
        }
        Engine.complete(io, readInline(v, io, lba, n));
    }

    /**
     * Starts the reads handed off since the last call (one system call for all of them, where the
     * queue batches). Engine thread, once per turn after it has drained its queue, and whenever it
     * blocks on a read of its own.
     */
    void flush() {
        for (ReadQueue r : readers) {
            r.flush();
        }
    }

    private int readInline(EngineBlockStore v, BlockIo io, long lba, int n) {
        for (int done = 0; done < n; done += ReadRequest.MAX_BLOCKS) {
            inlineRequest.resolve(v, io, lba + done, Math.min(ReadRequest.MAX_BLOCKS, n - done), extents);
            int status = inline.read(inlineRequest, io.buffer());
            if (status != IoStatus.OK) {
                inlineRequest.clear();
                return status;
            }
        }
        inlineRequest.clear();
        return IoStatus.OK;
    }

    private ReadQueue leastBusy() {
        ReadQueue best = null;
        int least = Integer.MAX_VALUE;
        for (ReadQueue r : readers) {
            if (r.backlog() >= r.capacity()) {
                continue;
            }
            int b = r.backlog();
            if (b < least) {
                least = b;
                best = r;
                if (b == 0) {
                    break;
                }
            }
        }
        return best;
    }

    /** Whether any read handed to a reader has not finished. Engine thread. */
    @Override
    public boolean busy() {
        for (ReadQueue r : readers) {
            if (r.head() != r.tail()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void startQueued() {
        flush();
    }

    /** Stores the current read epoch (each reader's tail) at {@code into[from...]}. Engine thread. */
    @Override
    public void epoch(long[] into, int from) {
        for (int i = 0; i < readers.length; i++) {
            into[from + i] = readers[i].tail();
        }
    }

    /** Whether every read begun before the epoch stored at {@code epoch[from...]} has finished. */
    @Override
    public boolean passed(long[] epoch, int from) {
        for (int i = 0; i < readers.length; i++) {
            if (readers[i].head() < epoch[from + i]) {
                return false;
            }
        }
        return true;
    }

    long readsInPlace() {
        long n = inline.readsInPlace();
        for (ReadQueue r : readers) {
            n += r.readsInPlace();
        }
        return n;
    }

    /** The costliest {@link ReadQueue#submitNanos} of the queues (0: none submits). Any thread. */
    long submitNanos() {
        long most = 0;
        for (ReadQueue r : readers) {
            most = Math.max(most, r.submitNanos());
        }
        return most;
    }

    long checksumErrors() {
        long n = inline.checksumErrors();
        for (ReadQueue r : readers) {
            n += r.checksumErrors();
        }
        return n;
    }
}
