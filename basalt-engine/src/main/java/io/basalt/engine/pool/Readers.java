package io.basalt.engine.pool;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.engine.gc.ReadEpochs;
import io.basalt.engine.gc.SegmentLimbo;
import io.basalt.engine.log.SegmentLayout;
import io.basalt.engine.map.ExtentTable;
import io.netty.buffer.ByteBuf;

/**
 * Reads off the engine thread: the engine resolves a read's addresses and CRCs from the map
 * ({@link ReadRequest#resolve}) and hands it to the least busy {@link Reader}, whose thread does the
 * device reads, checks and completion. The engine serves a read itself when a hand-off cannot help:
 * no reader threads, a read too long for one request, every ring full — or the read is alone (nothing
 * else queued, no reader busy), where waking a reader would only add its wake-up to the latency (QD1).
 * Physically contiguous blocks are read with one device read ({@link RunReader}); a read whose blocks
 * lie in several such runs (random overwrites scatter a logically sequential range) is split at run
 * boundaries over several readers, which read their parts at once ({@link ReadJoin}).
 *
 * <p>Reads resolved before a segment is freed may still be reading it, so freed segments wait in
 * {@link SegmentLimbo} for the <em>read epoch</em> taken here ({@link #epoch}): every reader's tail
 * at the time of the free. A reader finishes in order, so the epoch has passed once every reader's
 * head has reached it.
 */
final class Readers implements ReadEpochs {
    /** Split reads that may be in flight at once; beyond that a scattered read goes to one reader whole. */
    private static final int JOINS = 256;

    private final Reader[] readers;
    /** The engine thread's own: for reads it serves itself. */
    private final RunReader inline;
    /** The engine thread's: a read resolved here, then handed over whole, split, or served inline. */
    private final ReadRequest whole = new ReadRequest();
    private final ExtentTable extents;
    private final int maxRun;
    /** Engine thread scratch: where each physical run of {@link #whole} starts; the readers and slots picked for a split. */
    private final int[] runStarts = new int[ReadRequest.MAX_BLOCKS];
    private final Reader[] picked;
    private final ReadRequest[] pickedSlots;
    private final ReadJoin[] joins = new ReadJoin[JOINS];
    private int nextJoin;
    private int nextReader;

    Readers(SegmentLayout layout, PoolConfig config, String name, PayloadDecoder engineDecoder, ExtentTable extents) {
        this.extents = extents;
        this.inline = new RunReader(layout, config, engineDecoder);
        this.maxRun = config.maxBatchPayload();
        this.readers = new Reader[config.readThreads()];
        for (int i = 0; i < readers.length; i++) {
            readers[i] = new Reader("basalt-read-" + name + "-" + i, new PayloadDecoder(), layout, config);
        }
        this.picked = new Reader[readers.length];
        this.pickedSlots = new ReadRequest[readers.length];
        for (int i = 0; i < JOINS; i++) {
            joins[i] = new ReadJoin();
        }
    }

    @Override
    public int threads() {
        return readers.length;
    }

    void start() {
        for (Reader r : readers) {
            r.start();
        }
    }

    /** Lets every reader finish what it holds, then stops them. */
    void stop() {
        for (Reader r : readers) {
            r.stop();
        }
    }

    /**
     * Reads {@code io} (its range already checked to lie in {@code v}): handed to a reader thread, or
     * served here if none can take it. A read whose blocks lie in several places on the device (after
     * random overwrites) is split at run boundaries over several readers, so its device reads are in
     * flight together rather than one after another. Engine thread. Completes {@code io} exactly once.
     */
    void read(EngineBlockStore v, BlockIo io, boolean alone) {
        long lba = io.offset() >> v.blockShift();
        int n = io.length() >> v.blockShift();
        ByteBuf dst = io.buffer();
        // Parts set their blocks by index, from several threads: the room must exist before they start.
        dst.ensureWritable(io.length());
        int base = dst.writerIndex();
        if (n > ReadRequest.MAX_BLOCKS) {
            Engine.complete(io, readInline(v, io, lba, n, base));
            return;
        }
        whole.resolve(v, io, lba, n, base, extents);
        try {
            if (n > 1 && readers.length > 1) {
                int runs = whole.runs(maxRun, runStarts);
                if (runs > 1 && split(runs)) {
                    return;
                }
            }
            if (!(alone && !busy())) {
                Reader r = leastBusy();
                ReadRequest slot = r == null ? null : r.claim();
                if (slot != null) {
                    slot.partOf(whole, 0, n, null);
                    r.publish();
                    return;
                }
            }
            Engine.complete(io, inline.read(whole, dst));
        } finally {
            whole.clear();
        }
    }

    /**
     * Hands {@link #whole}'s {@code runs} runs to as many readers (up to one per run) in contiguous
     * parts of about equal runs; false, having handed nothing, if fewer than two readers have room or
     * no join is free.
     */
    private boolean split(int runs) {
        ReadJoin join = freeJoin();
        if (join == null) {
            return false;
        }
        int parts = pick(Math.min(runs, readers.length));
        if (parts < 2) {
            return false;
        }
        int n = whole.blocks;
        join.claim(whole.io, parts, whole.dstIndex + n * whole.volume.blockSize());
        for (int k = 0; k < parts; k++) {
            int from = k == 0 ? 0 : runStarts[k * runs / parts];
            int to = k == parts - 1 ? n : runStarts[(k + 1) * runs / parts];
            pickedSlots[k].partOf(whole, from, to, join);
        }
        // Only now: a part may finish as soon as it is published, and the join counts them all.
        for (int k = 0; k < parts; k++) {
            picked[k].publish();
            picked[k] = null;
            pickedSlots[k] = null;
        }
        return true;
    }

    /**
     * Picks up to {@code want} readers with a free ring slot, idle ones first, starting from a
     * rotating position so that parts spread over all readers; returns how many it picked.
     */
    private int pick(int want) {
        int count = 0;
        int start = nextReader;
        nextReader = (nextReader + 1) % readers.length;
        for (int pass = 0; pass < 2 && count < want; pass++) {
            for (int i = 0; i < readers.length && count < want; i++) {
                Reader r = readers[(start + i) % readers.length];
                boolean idle = r.backlog() == 0;
                if (idle != (pass == 0)) {
                    continue;
                }
                ReadRequest slot = r.claim();
                if (slot != null) {
                    picked[count] = r;
                    pickedSlots[count++] = slot;
                }
            }
        }
        if (count < 2) {
            for (int i = 0; i < count; i++) {
                picked[i] = null;
                pickedSlots[i] = null;
            }
        }
        return count;
    }

    private ReadJoin freeJoin() {
        for (int i = 0; i < JOINS; i++) {
            ReadJoin j = joins[nextJoin];
            nextJoin = (nextJoin + 1) & (JOINS - 1);
            if (j.isFree()) {
                return j;
            }
        }
        return null;
    }

    private int readInline(EngineBlockStore v, BlockIo io, long lba, int n, int base) {
        int bs = v.blockSize();
        for (int done = 0; done < n; done += ReadRequest.MAX_BLOCKS) {
            whole.resolve(v, io, lba + done, Math.min(ReadRequest.MAX_BLOCKS, n - done), base + done * bs, extents);
            int status = inline.read(whole, io.buffer());
            if (status != IoStatus.OK) {
                whole.clear();
                return status;
            }
        }
        whole.clear();
        return IoStatus.OK;
    }

    private Reader leastBusy() {
        Reader best = null;
        int least = Reader.RING_SIZE;
        for (Reader r : readers) {
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
        for (Reader r : readers) {
            if (r.head() != r.tail()) {
                return true;
            }
        }
        return false;
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

    long checksumErrors() {
        long n = inline.checksumErrors();
        for (Reader r : readers) {
            n += r.checksumErrors();
        }
        return n;
    }
}
