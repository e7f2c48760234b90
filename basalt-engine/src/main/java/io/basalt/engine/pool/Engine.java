package io.basalt.engine.pool;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.engine.checkpoint.Checkpointer;
import io.basalt.engine.checkpoint.Checkpoints;
import io.basalt.engine.dedup.Dedup;
import io.basalt.engine.gc.Cleaner;
import io.basalt.engine.gc.SegmentLimbo;
import io.basalt.engine.gc.SegmentTable;
import io.basalt.engine.log.LogWriter;
import io.basalt.engine.log.SegmentLayout;
import io.basalt.engine.services.KeyEncryptionKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The pool's owning thread: it owns the maps, the segment table, the log streams, the cleaner and
 * checkpoints, and does all device writes. Each turn it frees retired segments whose reads are done
 * ({@link SegmentLimbo}), drains the submission ring into the hot stream's batch ({@link WritePath}),
 * resolves reads and hands them to reader threads ({@link Readers}), starts the reads it handed off
 * (one submit per turn), commits the batch (group commit); between turns it starts background
 * checkpoints and applies their end ({@link Checkpoints}) and cleans ({@link Cleaner}). This class is
 * the thread, its loop, submission and the pool's lifecycle.
 *
 * <p>Durability invariant: an operation that needs durability (a write to a volume without a
 * volatile write cache, FUA, Flush) completes only after its batch and every earlier batch on every
 * device are synced; maps change only after the batch holding the change was written.
 */
final class Engine implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final long IDLE_PARK_NANOS = 50_000_000L;
    /**
     * How long an idle engine thread spins before it parks: a parked thread takes tens of µs to wake
     * on a VM, which at queue depth 1 is most of a write's or read's time in the engine; a host that
     * answers a completion at once submits well within this. Costs at most this much CPU per idle spell.
     * See {@link #defaultSpinNanos} for when it does not spin.
     */
    static final long SPIN_NANOS = Long.getLong("basalt.engine.spinNanos",
            defaultSpinNanos(Runtime.getRuntime().availableProcessors()));
    /**
     * 50 µs where the process may use more than one CPU, none where it has one (a brick pinned to a
     * core, a container limited to one CPU): there nothing can change while the engine spins except
     * by taking the CPU from it, so the spin only delays the event loop that would send the engine's
     * completion or hand it the next command. Measured with the brick pinned to one core: a
     * completion's trip from the engine to the event loop's send took 63 µs (the spin's 50 µs, then
     * the switch), 13 µs without the spin.
     */
    static long defaultSpinNanos(int cpus) {
        return cpus > 1 ? 50_000L : 0L;
    }

    /** When the engine thread last found nothing to do (0: it is busy). */
    private long idleSince;

    private final EngineState state;
    private final SpaceAccounting space;
    private final LogWriter log;
    private final WritePath writes;
    private final Readers reads;
    private final SegmentLimbo limbo;
    private final Cleaner cleaner;
    private final Checkpoints checkpoints;
    private final Volumes volumeAdmin;
    private final ImageTree tree;
    private final Snapshots snapshots;
    private final Recovery recovery;
    private final PayloadPipeline payloads;
    private final Dedup dedup;
    private final MpscQueue queue;
    private final ConcurrentLinkedQueue<Runnable> control = new ConcurrentLinkedQueue<>();
    /** Engine thread only (the pool reads it through {@link #execute}). */
    final Map<Integer, EngineBlockStore> volumes;

    private volatile Thread thread;
    private volatile boolean sleeping;
    private volatile boolean running = true;
    private volatile boolean accepting = true;
    /** Engine thread: stop once the queue is drained. */
    private boolean stopRequested;

    Engine(SegmentLayout layout, PoolConfig config, long poolId, Checkpointer checkpointer, KeyEncryptionKey kek) {
        this.state = new EngineState(layout, config, poolId);
        state.kek = kek;
        this.volumes = state.volumes;
        this.dedup = new Dedup(state.extents, config.dedupIndexBytes());
        this.space = new SpaceAccounting(layout, config, state.table,
                checkpointer.maxEntries(layout.segments(), config.maxVolumes()), dedup, state.volumes);
        this.log = state.log;
        this.payloads = new PayloadPipeline(dedup);
        this.tree = new ImageTree(this, state, space);
        this.reads = new Readers(layout, config, Long.toHexString(poolId & 0xFFFF), payloads.decoder(), state.extents);
        this.limbo = new SegmentLimbo(state.table, reads);
        Cleaner.Watermarks watermarks = new Cleaner.Watermarks(space.reserve(), config.gcLowWater(), config.gcHighWater());
        this.cleaner = new Cleaner(layout, state.table, state.reader, state.gc, log, limbo, state.extents,
                new CleanerMoves(state, tree, space), cleanerCheckpoints(), watermarks);
        this.writes = new WritePath(state, space, log, payloads, tree, cleaner::allocateHot);
        this.checkpoints = new Checkpoints(checkpointer, log, state.table, new CheckpointCapture(state, writes, cleaner),
                layout, config.checkpointIntervalBytes(), Long.toHexString(poolId & 0xFFFF), this::wake);
        this.volumeAdmin = new Volumes(this, state, space, writes, checkpoints, tree);
        this.snapshots = new Snapshots(state, writes, log, checkpoints, tree);
        this.recovery = new Recovery(this, state, space, checkpointer, dedup, payloads.decoder(), tree);
        this.queue = new MpscQueue(config.queueCapacity());
    }

    /** The cleaner's view of checkpoints: {@link #checkpoints} is built after the cleaner, so it is read late. */
    private Cleaner.Checkpointing cleanerCheckpoints() {
        return new Cleaner.Checkpointing() {
            @Override
            public boolean checkpointNow() {
                return checkpoints.checkpointQuietly();
            }

            @Override
            public boolean inFlight() {
                return checkpoints.inFlight();
            }

            @Override
            public void awaitInFlight() {
                checkpoints.awaitInFlight();
            }

            @Override
            public long durableFloor() {
                return state.checkpointFloor;
            }
        };
    }

    long usableBytes() {
        return space.usableBytes();
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    /** A new, empty pool: both streams open, first checkpoint written. Before {@link #start}. */
    void format() throws IOException {
        state.epoch = 1;
        log.startAt((state.epoch << EngineState.EPOCH_SHIFT) + 1);
        log.openStreams();
        checkpoints.checkpoint();
    }

    /** Loads the newest checkpoint, replays the log after it, starts a new epoch. Before {@link #start}. */
    void recover() throws IOException {
        recovery.recover();
        log.resumeStreams(recovery.tailSegment, recovery.tailPosition, recovery.tailNext);
        checkpoints.checkpoint();
    }

    void start(String name) {
        Thread t = Thread.ofPlatform().name("basalt-engine-" + name).daemon().unstarted(this);
        thread = t;
        reads.start();
        t.start();
    }

    /** Runs {@code command} on the engine thread. */
    void execute(Runnable command) {
        control.add(command);
        wake();
    }

    /** Stops accepting I/O, finishes what is queued, checkpoints, stops the thread. */
    void stop() {
        accepting = false;
        execute(() -> stopRequested = true);
        join();
    }

    /** Stops the thread without a checkpoint or sync, as a crash would (tests). */
    void halt() {
        accepting = false;
        execute(() -> running = false);
        join();
    }

    private void join() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (BlockIo io; (io = queue.poll()) != null; ) {
            complete(io, IoStatus.INTERNAL_ERROR);
        }
        // After a halt a background checkpoint may still be writing: it must not outlive the pool.
        checkpoints.abandonInFlight();
        closeCodecs();
    }

    /** Stops the reader threads and frees the codecs' native state; after the thread ended (or never started). */
    void closeCodecs() {
        reads.stop();
        payloads.close();
    }

    void submit(EngineBlockStore volume, BlockIo io) {
        while (!queue.offer(volume, io)) {
            if (!accepting) {
                complete(io, IoStatus.INTERNAL_ERROR);
                return;
            }
            wake();
            Thread.yield();
        }
        if (!accepting && !running) {
            // Raced with the engine's exit: nobody will poll it.
            return;
        }
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    private void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Completes {@code io}; a completion that throws must not take the engine thread down. */
    static void complete(BlockIo io, int status) {
        try {
            io.complete(status);
        } catch (RuntimeException e) {
            LOG.error("completion threw", e);
        }
    }

    // ---- the loop ----------------------------------------------------------------------------

    @Override
    public void run() {
        while (running) {
            for (Runnable c; (c = control.poll()) != null; ) {
                c.run();
            }
            checkpoints.poll();
            limbo.reclaim();
            int n = 0;
            for (BlockIo io; writes.canTakeMore() && (io = queue.poll()) != null; n++) {
                handle(queue.owner(), io);
            }
            // Every turn, not only busy ones: a submit that failed is retried here.
            reads.flush();
            if (writes.hasPending()) {
                writes.commit();
            }
            if (stopRequested && n == 0 && queue.isEmpty()) {
                try {
                    checkpoints.checkpoint();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Checkpoint on close failed ({}); the next open replays the log", e.toString());
                }
                running = false;
                break;
            }
            if (n == 0 && control.isEmpty() && !background()) {
                if (idleSince == 0) {
                    idleSince = System.nanoTime();
                }
                // Not while readers work: their completions bring the next reads, and on few cores
                // the spin would take the CPU they need (QD32 reads fell by 45% on 2 vCPUs).
                if (System.nanoTime() - idleSince < SPIN_NANOS && !reads.busy()) {
                    Thread.onSpinWait();
                    continue;
                }
                sleeping = true;
                if (queue.isEmpty() && control.isEmpty()) {
                    LockSupport.parkNanos(IDLE_PARK_NANOS);
                }
                sleeping = false;
                idleSince = 0;
            } else if (n > 0) {
                idleSince = 0;
                cleaner.stepIfShort();
            }
        }
    }

    /** Checkpoints when due, cleans when free segments are short; returns whether it did anything. */
    private boolean background() {
        return checkpoints.checkpointIfDue() || cleaner.stepInBackground();
    }

    /** Routes one operation to its path; every path completes it exactly once. */
    private void handle(EngineBlockStore v, BlockIo io) {
        if (v.isDeleted()) {
            complete(io, IoStatus.INTERNAL_ERROR);
            return;
        }
        if (v.isReadOnly() && io.op() != BlockIo.OP_READ && io.op() != BlockIo.OP_FLUSH) {
            complete(io, IoStatus.WRITE_PROTECTED);
            return;
        }
        switch (io.op()) {
            case BlockIo.OP_READ -> {
                if (v.inRange(io.offset(), io.length())) {
                    reads.read(v, io, queue.isEmpty());
                } else {
                    complete(io, IoStatus.INTERNAL_ERROR);
                }
            }
            case BlockIo.OP_WRITE -> writes.write(v, io);
            case BlockIo.OP_WRITE_ZEROES -> writes.writeZeroes(v, io);
            case BlockIo.OP_DEALLOCATE -> writes.deallocate(v, io);
            case BlockIo.OP_FLUSH -> writes.flush(io);
            default -> complete(io, IoStatus.INTERNAL_ERROR);
        }
    }

    // ---- engine-thread calls from the pool -------------------------------------------------------

    void checkpoint() throws IOException {
        checkpoints.checkpoint();
    }

    /** Starts a background checkpoint unless one is in flight (tests, benchmarks); returns whether it did. */
    boolean startCheckpoint() {
        return checkpoints.startInBackground();
    }

    /** Whether a background checkpoint is being written (tests). */
    boolean checkpointInFlight() {
        return checkpoints.inFlight();
    }

    long checkpointFloor() {
        return state.checkpointFloor;
    }

    /** Engine-thread pause of the last background checkpoint start, ns (benchmarks). */
    long lastCheckpointPauseNanos() {
        return checkpoints.lastPauseNanos();
    }

    EngineBlockStore createVolume(String name, long capacity, int blockSize, boolean vwc, VolumeOptions options)
            throws IOException {
        return volumeAdmin.create(name, capacity, blockSize, vwc, options);
    }

    void rotateKek(KeyEncryptionKey newKek) throws IOException {
        volumeAdmin.rotateKek(newKek);
    }

    void resizeVolume(EngineBlockStore v, long capacity) throws IOException {
        volumeAdmin.resize(v, capacity);
    }

    void deleteVolume(EngineBlockStore v) throws IOException {
        volumeAdmin.delete(v);
    }

    EngineBlockStore createSnapshot(EngineBlockStore v, String name) throws IOException {
        return snapshots.create(v, name);
    }

    EngineBlockStore cloneVolume(EngineBlockStore snapshot, String name, boolean vwc) throws IOException {
        return snapshots.clone(snapshot, name, vwc);
    }

    void rollback(EngineBlockStore v, EngineBlockStore snapshot) throws IOException {
        snapshots.rollback(v, snapshot);
    }

    long uniqueBytes(EngineBlockStore image) {
        return tree.uniqueBytes(image);
    }

    /** Cleans until {@code segments} victims are freed or none is left (tests, benchmarks). */
    int clean(int segments) throws IOException {
        return cleaner.clean(segments);
    }

    io.basalt.engine.map.ExtentTable extents() {
        return state.extents;
    }

    PoolStats stats() {
        long mapped = 0;
        int count = 0;
        for (EngineBlockStore v : volumes.values()) {
            if (v.kind() == EngineBlockStore.VOLUME) {
                mapped += v.map.mappedBlocks() * v.blockSize();
                count++;
            }
        }
        SegmentTable table = state.table;
        return new PoolStats(table.segments(), table.freeCount(), state.layout.segmentSize(), space.usableBytes(),
                space.liveBytes(), mapped, writes.hostBytes(), log.deviceBytes(), cleaner.gcBytes(),
                reads.checksumErrors(), checkpoints.count(), cleaner.segmentsCleaned(), count,
                space.storedBytes(), state.extents.count(), dedup.missedForSpace(), reads.readsInPlace(),
                reads.submitNanos());
    }
}
