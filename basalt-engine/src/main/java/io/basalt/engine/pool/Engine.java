package io.basalt.engine.pool;

import io.basalt.engine.BlockIo;
import io.basalt.engine.IoStatus;
import io.basalt.engine.checkpoint.CheckpointState;
import io.basalt.engine.checkpoint.Checkpointer;
import io.basalt.engine.checkpoint.VolumeRecord;
import io.basalt.engine.device.AlignedBuffers;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.gc.SegmentTable;
import io.basalt.engine.gc.VictimPolicy;
import io.basalt.engine.log.BatchFormat;
import io.basalt.engine.log.BatchReader;
import io.basalt.engine.log.LogStream;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.log.SegmentLayout;
import io.basalt.engine.map.VolumeMap;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

import static io.basalt.engine.log.BatchFormat.TYPE_MOVE;
import static io.basalt.engine.log.BatchFormat.TYPE_TRIM;
import static io.basalt.engine.log.BatchFormat.TYPE_WRITE;

/**
 * The pool's one thread: it owns the maps, the segment table, both log streams, the cleaner and
 * checkpoints, and does all device I/O. Each turn it drains the submission ring into the hot
 * stream's batch, writes the batch, syncs once if anything in it needs durability, applies it to
 * the maps and completes it (group commit); between turns it cleans and checkpoints.
 *
 * <p>Durability invariant: an operation that needs durability (a write to a volume without a
 * volatile write cache, FUA, Flush) completes only after its batch and every earlier batch on every
 * device are synced; maps change only after the batch holding the change was written.
 */
final class Engine implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    static final long EPOCH_SHIFT = 40;
    private static final long IDLE_PARK_NANOS = 50_000_000L;

    private final SegmentLayout layout;
    private final PoolConfig config;
    private final long poolId;
    private final SegmentTable table;
    private final LogStream hot;
    private final LogStream cold;
    private final BatchReader reader;
    private final Checkpointer checkpointer;
    private final MpscQueue queue;
    private final ConcurrentLinkedQueue<Runnable> control = new ConcurrentLinkedQueue<>();
    final Map<Integer, EngineBlockStore> volumes = new LinkedHashMap<>();
    private final boolean[] dirty;
    private final BlockIo[] done;
    private final boolean[] doneNeedsSync;
    private int doneCount;
    private final ByteBuffer readBuffer;
    private final ByteBuffer readView;
    private final CRC32C crc = new CRC32C();
    private final int reserve;
    /** Free segments below which the cleaner runs, and at which it stops: a little above the reserve. */
    private final int lowWater;
    private final int highWater;
    private final long usableBytes;
    /** Mapped blocks a checkpoint slot can hold: with 512-byte blocks this, not bytes, may be the limit. */
    private final long maxEntries;
    private long mappedEntries;
    private long pendingNewEntries;
    private final VolumeMap.Released releaser = (lba, address) -> release(address);
    private EngineBlockStore releasing;

    long epoch;
    long nextSeq;
    long checkpointSeq;
    long checkpointFloor;
    int nextVolumeId = 1;
    private long liveBytes;
    private long pendingNewBytes;
    private long logBytesSinceCheckpoint;
    private long hostBytes;
    private long deviceBytes;
    private long gcBytes;
    private long checkpoints;
    private long segmentsCleaned;
    private volatile long checksumErrors;
    /** Age of the data in the cold batch being built (its victims' data age). */
    private long coldAge;
    private int victim = -1;
    private int victimPos;
    private boolean cleaning;

    private volatile Thread thread;
    private volatile boolean sleeping;
    private volatile boolean running = true;
    private volatile boolean accepting = true;
    /** Engine thread: stop once the queue is drained. */
    private boolean stopRequested;

    Engine(SegmentLayout layout, PoolConfig config, long poolId, Checkpointer checkpointer) {
        this.layout = layout;
        this.config = config;
        this.poolId = poolId;
        this.checkpointer = checkpointer;
        this.table = new SegmentTable(layout.segments(), layout.devices().size());
        this.hot = new LogStream(LogStream.HOT, config.maxBatchPayload());
        this.cold = new LogStream(LogStream.COLD, config.maxBatchPayload());
        this.reader = new BatchReader(layout, poolId, config.maxBatchPayload());
        this.queue = new MpscQueue(config.queueCapacity());
        this.dirty = new boolean[layout.devices().size()];
        this.done = new BlockIo[config.queueCapacity()];
        this.doneNeedsSync = new boolean[config.queueCapacity()];
        this.readBuffer = AlignedBuffers.allocate(config.maxBatchPayload() + 2 * BlockDevice.ALIGNMENT);
        this.readView = readBuffer.duplicate();
        this.reserve = Math.max(4, layout.segments() / 50);
        this.lowWater = reserve + Math.max(2, (int) Math.ceil(config.gcLowWater() * layout.segments()));
        this.highWater = reserve + Math.max(4, (int) Math.ceil(config.gcHighWater() * layout.segments()));
        long dataSegments = Math.max(0, layout.segments() - reserve - 4);
        // Cleaned segments are packed in full batches; each costs a header block, the tail may be lost.
        int size = layout.segmentSize();
        int headers = (size + config.maxBatchPayload() + BlockDevice.ALIGNMENT - 1)
                / (config.maxBatchPayload() + BlockDevice.ALIGNMENT) + 1;
        double density = (double) (size - headers * BlockDevice.ALIGNMENT) / size;
        this.usableBytes = (long) (dataSegments * (double) size * density * config.fillLimit());
        this.maxEntries = checkpointer.maxEntries(layout.segments(), config.maxVolumes());
    }

    SegmentTable table() {
        return table;
    }

    long usableBytes() {
        return usableBytes;
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    /** A new, empty pool: both streams open, first checkpoint written. Before {@link #start}. */
    void format() throws IOException {
        epoch = 1;
        nextSeq = (epoch << EPOCH_SHIFT) + 1;
        openStreams();
        checkpoint();
    }

    /** Loads the newest checkpoint, replays the log after it, starts a new epoch. Before {@link #start}. */
    void recover() throws IOException {
        CheckpointState state = new CheckpointState();
        if (!checkpointer.load(state, table)) {
            throw new IOException("no valid checkpoint in either slot: not a usable pool");
        }
        checkpointSeq = state.checkpointSeq;
        nextVolumeId = state.nextVolumeId;
        for (VolumeRecord v : state.volumes) {
            volumes.put(v.id(), new EngineBlockStore(this, v.id(), v.name(), v.blockSize(), v.capacityBytes(),
                    v.volatileWriteCache(), state.maps.get(v.id())));
        }
        long maxSeq = state.nextSeq - 1;
        int batches = 0;
        for (int s = 0; s < 2; s++) {
            int seg = state.streamSegment[s];
            int pos = state.streamPosition[s];
            int next = state.streamNext[s];
            long last = state.nextSeq - 1;
            while (seg >= 0) {
                if (!tryRead(seg, pos, s, last)) {
                    if (next < 0 || next == seg || !tryRead(next, 0, s, last)) {
                        break;
                    }
                    seg = next;
                    pos = 0;
                }
                replayBatch();
                table.written(seg, reader.seq(), pos + reader.totalBytes());
                table.aged(seg, s == LogStream.HOT ? reader.seq() : table.dataSeq(seg));
                last = reader.seq();
                next = reader.next();
                pos += reader.totalBytes();
                maxSeq = Math.max(maxSeq, last);
                batches++;
            }
        }
        for (EngineBlockStore v : volumes.values()) {
            v.map.forEach((lba, address, c) -> acquire(v, address));
        }
        for (int s = 0; s < table.segments(); s++) {
            table.setState(s, table.live(s) > 0 ? SegmentTable.FULL : SegmentTable.FREE);
        }
        epoch = Math.max(state.epoch, maxSeq >>> EPOCH_SHIFT) + 1;
        // The counter continues (segment ages compare by it); the epoch makes older junk look old.
        nextSeq = (epoch << EPOCH_SHIFT) | ((maxSeq & VictimPolicy.COUNTER_MASK) + 1);
        LOG.info("Recovered pool {}: checkpoint {}, {} batches replayed, {} volumes, {} of {} segments free",
                Long.toHexString(poolId), checkpointSeq, batches, volumes.size(), table.freeCount(), table.segments());
        openStreams();
        checkpoint();
    }

    private boolean tryRead(int segment, int position, int stream, long seqAbove) {
        try {
            return reader.read(segment, position, stream, seqAbove, true);
        } catch (IOException e) {
            LOG.warn("Replay: reading segment {} at {} failed ({}); the log ends there", segment, position, e.toString());
            return false;
        }
    }

    private void replayBatch() {
        for (int i = 0; i < reader.count(); i++) {
            EngineBlockStore v = volumes.get(reader.volumeId(i));
            long lba = reader.lba(i);
            if (v == null || lba >= v.map.blocks()) {
                continue;
            }
            switch (reader.type(i)) {
                case TYPE_WRITE -> v.map.set(lba, reader.address(i), reader.crc(i));
                case TYPE_TRIM -> v.map.clearRange(lba, reader.arg(i), (l, a) -> { });
                case TYPE_MOVE -> {
                    if (v.map.get(lba) == reader.arg(i)) {
                        v.map.set(lba, reader.address(i), reader.crc(i));
                    }
                }
                default -> { }
            }
        }
    }

    private void openStreams() throws IOException {
        for (LogStream s : new LogStream[]{hot, cold}) {
            int a = table.allocate(0);
            int b = table.allocate(0);
            if (a < 0 || b < 0) {
                throw new IOException("no free segment to open the log in");
            }
            s.moveTo(a, 0, b);
        }
    }

    void start(String name) {
        Thread t = Thread.ofPlatform().name("basalt-engine-" + name).daemon().unstarted(this);
        thread = t;
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

    @Override
    public void run() {
        while (running) {
            for (Runnable c; (c = control.poll()) != null; ) {
                c.run();
            }
            int n = 0;
            for (BlockIo io; doneCount < done.length && (io = queue.poll()) != null; n++) {
                handle(queue.owner(), io);
            }
            if (!hot.isEmpty() || doneCount > 0) {
                commitHot();
            }
            if (stopRequested && n == 0 && queue.isEmpty()) {
                try {
                    checkpoint();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Checkpoint on close failed ({}); the next open replays the log", e.toString());
                }
                running = false;
                break;
            }
            if (n == 0 && control.isEmpty() && !background()) {
                sleeping = true;
                if (queue.isEmpty() && control.isEmpty()) {
                    LockSupport.parkNanos(IDLE_PARK_NANOS);
                }
                sleeping = false;
            } else if (n > 0 && table.freeCount() < lowWater) {
                gcStepQuietly();
            }
        }
    }

    /** Checkpoints when due, cleans when free segments are short; returns whether it did anything. */
    private boolean background() {
        try {
            if (logBytesSinceCheckpoint >= config.checkpointIntervalBytes()) {
                checkpoint();
                return true;
            }
        } catch (IOException e) {
            LOG.warn("Checkpoint failed: {}", e.toString());
            logBytesSinceCheckpoint = 0;
        }
        int free = table.freeCount();
        if (free < lowWater) {
            cleaning = true;
        } else if (free >= highWater) {
            cleaning = false;
        }
        return cleaning && gcStepQuietly();
    }

    // ---- the data path -----------------------------------------------------------------------

    private void handle(EngineBlockStore v, BlockIo io) {
        if (v.isDeleted()) {
            complete(io, IoStatus.INTERNAL_ERROR);
            return;
        }
        int op = io.op();
        switch (op) {
            case BlockIo.OP_READ -> {
                if (inRange(v, io.offset(), io.length())) {
                    complete(io, read(v, io));
                } else {
                    complete(io, IoStatus.INTERNAL_ERROR);
                }
            }
            case BlockIo.OP_WRITE -> write(v, io);
            case BlockIo.OP_WRITE_ZEROES -> {
                if (!inRange(v, io.offset(), io.length())) {
                    complete(io, IoStatus.INTERNAL_ERROR);
                } else if (trim(v, io.offset() >> v.blockShift(), io.length() >> v.blockShift())) {
                    addDone(io, !v.volatileWriteCache() || io.fua());
                } else {
                    complete(io, IoStatus.NO_SPACE);
                }
            }
            case BlockIo.OP_DEALLOCATE -> deallocate(v, io);
            case BlockIo.OP_FLUSH -> addDone(io, true);
            default -> complete(io, IoStatus.INTERNAL_ERROR);
        }
    }

    private static boolean inRange(EngineBlockStore v, long offset, long length) {
        int mask = v.blockSize() - 1;
        return offset >= 0 && length >= 0 && offset + length <= v.capacityBytes() && (offset & mask) == 0
                && (length & mask) == 0;
    }

    private int read(EngineBlockStore v, BlockIo io) {
        VolumeMap map = v.map;
        long lba = io.offset() >> v.blockShift();
        int n = io.length() >> v.blockShift();
        ByteBuf dst = io.buffer();
        int max = readBuffer.capacity() - 2 * BlockDevice.ALIGNMENT;
        for (int i = 0; i < n; ) {
            long a = map.get(lba + i);
            if (a == PhysAddr.NONE) {
                dst.writeZero(v.blockSize());
                i++;
                continue;
            }
            int seg = PhysAddr.segment(a);
            int start = PhysAddr.offset(a);
            int end = start + PhysAddr.length(a);
            int j = i + 1;
            for (long b; j < n && (b = map.get(lba + j)) != PhysAddr.NONE && PhysAddr.segment(b) == seg
                    && PhysAddr.offset(b) == end && end + PhysAddr.length(b) - start <= max; j++) {
                end += PhysAddr.length(b);
            }
            int windowStart = start & -BlockDevice.ALIGNMENT;
            int windowLength = AlignedBuffers.alignUp(end) - windowStart;
            try {
                layout.device(seg).read(layout.position(seg, windowStart), readBuffer.clear().limit(windowLength));
            } catch (IOException e) {
                LOG.warn("{}: reading blocks {}+{} at segment {} failed: {}", v, lba + i, j - i, seg, e.toString());
                return IoStatus.READ_ERROR;
            }
            for (int k = i; k < j; k++) {
                long b = map.get(lba + k);
                int at = PhysAddr.offset(b) - windowStart;
                int len = PhysAddr.length(b);
                if (BatchFormat.payloadCrc(readView, at, len, v.id(), lba + k, crc) != map.crc(lba + k)) {
                    checksumErrors++;
                    LOG.error("{}: block {} at {} fails its checksum; returning a read error", v, lba + k,
                            PhysAddr.toString(b));
                    return IoStatus.READ_ERROR;
                }
                dst.writeBytes(readView.limit(at + len).position(at));
            }
            i = j;
        }
        return IoStatus.OK;
    }

    private void write(EngineBlockStore v, BlockIo io) {
        if (!inRange(v, io.offset(), io.length())) {
            complete(io, IoStatus.INTERNAL_ERROR);
            return;
        }
        int bs = v.blockSize();
        long lba = io.offset() >> v.blockShift();
        int n = io.length() >> v.blockShift();
        long fresh = 0;
        for (int k = 0; k < n; k++) {
            if (v.map.get(lba + k) == PhysAddr.NONE) {
                fresh += bs;
            }
        }
        long freshBlocks = fresh / bs;
        if (fresh > 0 && (liveBytes + pendingNewBytes + fresh > usableBytes
                || mappedEntries + pendingNewEntries + freshBlocks > maxEntries)) {
            complete(io, IoStatus.NO_SPACE);
            return;
        }
        pendingNewBytes += fresh;
        pendingNewEntries += freshBlocks;
        ByteBuf src = io.buffer();
        int from = src.readerIndex();
        for (int k = 0; k < n; k++) {
            if (!ensureRoom(hot, bs)) {
                complete(io, IoStatus.NO_SPACE);
                return;
            }
            int e = hot.append(TYPE_WRITE, v.id(), lba + k, 0, 0, src, from + k * bs, bs);
            hot.setCrc(e, BatchFormat.payloadCrc(hot.payload(), hot.payloadIndex(e), bs, v.id(), lba + k, crc));
        }
        addDone(io, !v.volatileWriteCache() || io.fua());
    }

    private void deallocate(EngineBlockStore v, BlockIo io) {
        ByteBuf ranges = io.buffer();
        int at = ranges.readerIndex();
        for (int i = 0; i < io.length(); i++) {
            if (!inRange(v, ranges.getLong(at + i * 16), ranges.getLong(at + i * 16 + 8))) {
                complete(io, IoStatus.INTERNAL_ERROR);
                return;
            }
        }
        for (int i = 0; i < io.length(); i++) {
            long length = ranges.getLong(at + i * 16 + 8);
            if (length > 0 && !trim(v, ranges.getLong(at + i * 16) >> v.blockShift(), length >> v.blockShift())) {
                complete(io, IoStatus.NO_SPACE);
                return;
            }
        }
        addDone(io, !v.volatileWriteCache() || io.fua());
    }

    private boolean trim(EngineBlockStore v, long lba, long blocks) {
        if (blocks == 0) {
            return true;
        }
        if (!ensureRoom(hot, 0)) {
            return false;
        }
        hot.append(TYPE_TRIM, v.id(), lba, 0, blocks, (ByteBuf) null, 0, 0);
        return true;
    }

    private void addDone(BlockIo io, boolean needsSync) {
        done[doneCount] = io;
        doneNeedsSync[doneCount++] = needsSync;
    }

    private static void complete(BlockIo io, int status) {
        try {
            io.complete(status);
        } catch (RuntimeException e) {
            LOG.error("completion threw", e);
        }
    }

    /** Makes room for one more entry in the stream's batch, committing it or moving to a new segment. */
    private boolean ensureRoom(LogStream s, int length) {
        int size = layout.segmentSize();
        if (s.fits(length, size)) {
            return true;
        }
        if (!s.isEmpty()) {
            commit(s);
            if (s.fits(length, size)) {
                return true;
            }
        }
        return advanceSegment(s) && s.fits(length, size);
    }

    private void commit(LogStream s) {
        if (s == hot) {
            commitHot();
        } else {
            commitCold();
        }
    }

    /** The stream's segment is full (or failed): continue in its {@code next}, reserving a new next. */
    private boolean advanceSegment(LogStream s) {
        int newNext = s == hot ? allocateHot() : table.allocate(0);
        if (newNext < 0) {
            return false;
        }
        table.setState(s.segment(), SegmentTable.FULL);
        s.moveTo(s.next(), 0, newNext);
        return true;
    }

    /**
     * A free segment for the hot stream, leaving the reserve to the cleaner; cleans (and checkpoints
     * once, to make recent segments eligible) while none is free. -1 when cleaning cannot help.
     */
    private int allocateHot() {
        int s = table.allocate(reserve);
        boolean checkpointed = false;
        while (s < 0) {
            if (victim < 0 && VictimPolicy.choose(table, layout.segmentSize(), checkpointFloor, nextSeq) < 0) {
                if (checkpointed || !checkpointQuietly()) {
                    return -1;
                }
                checkpointed = true;
                continue;
            }
            if (!gcStepQuietly()) {
                return -1;
            }
            s = table.allocate(reserve);
        }
        return s;
    }

    /** After a failed write: the stream's segment ends where its last good batch did; go on in {@code next}. */
    private void abandon(LogStream s) {
        int newNext = table.allocate(0);
        if (newNext < 0) {
            LOG.error("No free segment to continue the log after a write failure");
            return;
        }
        table.setState(s.segment(), SegmentTable.FULL);
        s.moveTo(s.next(), 0, newNext);
    }

    /** Writes the hot batch, syncs if needed, applies it and completes everything waiting. */
    private void commitHot() {
        int status = IoStatus.OK;
        if (!hot.isEmpty()) {
            long seq = nextSeq++;
            ByteBuffer batch = hot.seal(poolId, seq);
            int segment = hot.segment();
            try {
                layout.device(segment).write(layout.position(segment, hot.position()), batch);
                dirty[layout.deviceIndex(segment)] = true;
                applyHot(seq);
            } catch (IOException e) {
                status = BlockDevice.isNoSpace(e) ? IoStatus.NO_SPACE : IoStatus.WRITE_ERROR;
                LOG.warn("Writing a batch to segment {} at {} failed ({}); abandoning the segment", segment,
                        hot.position(), e.toString());
                hot.reset();
                abandon(hot);
            }
            pendingNewBytes = 0;
            pendingNewEntries = 0;
        }
        int syncStatus = status;
        if (status == IoStatus.OK) {
            for (int i = 0; i < doneCount; i++) {
                if (doneNeedsSync[i]) {
                    syncStatus = syncQuietly() ? IoStatus.OK : IoStatus.WRITE_ERROR;
                    break;
                }
            }
        }
        for (int i = 0; i < doneCount; i++) {
            BlockIo io = done[i];
            done[i] = null;
            complete(io, doneNeedsSync[i] ? syncStatus : status);
        }
        doneCount = 0;
    }

    private void applyHot(long seq) {
        for (int i = 0; i < hot.count(); i++) {
            EngineBlockStore v = volumes.get(hot.volumeId(i));
            long lba = hot.lba(i);
            if (hot.type(i) == TYPE_WRITE) {
                long address = hot.address(i);
                long old = v.map.set(lba, address, hot.crc(i));
                releasing = v;
                if (old != PhysAddr.NONE) {
                    release(old);
                }
                acquire(v, address);
                hostBytes += PhysAddr.length(address);
            } else if (hot.type(i) == TYPE_TRIM) {
                releasing = v;
                v.map.clearRange(lba, hot.arg(i), releaser);
            }
        }
        int bytes = hot.sealedBytes();
        table.written(hot.segment(), seq, hot.position() + bytes);
        table.aged(hot.segment(), seq);
        hot.advance();
        logBytesSinceCheckpoint += bytes;
        deviceBytes += bytes;
    }

    private void acquire(EngineBlockStore v, long address) {
        int len = PhysAddr.length(address);
        table.addLive(PhysAddr.segment(address), len);
        liveBytes += len;
        mappedEntries++;
        v.physicalBytes += len;
    }

    private void release(long address) {
        int len = PhysAddr.length(address);
        table.addLive(PhysAddr.segment(address), -len);
        liveBytes -= len;
        mappedEntries--;
        releasing.physicalBytes -= len;
    }

    private boolean syncQuietly() {
        try {
            syncDirty();
            return true;
        } catch (IOException e) {
            LOG.error("fdatasync failed ({}): failing the writes that waited for it", e.toString());
            return false;
        }
    }

    private void syncDirty() throws IOException {
        for (int d = 0; d < dirty.length; d++) {
            if (dirty[d]) {
                layout.devices().get(d).sync();
                dirty[d] = false;
            }
        }
    }

    // ---- cleaning ----------------------------------------------------------------------------

    private boolean gcStepQuietly() {
        try {
            return gcStep();
        } catch (IOException e) {
            LOG.warn("Cleaning segment {} failed: {}", victim, e.toString());
            victim = -1;
            return false;
        }
    }

    /** Copies the live entries of one batch of the victim; frees the victim after its last. */
    boolean gcStep() throws IOException {
        if (victim < 0) {
            victim = VictimPolicy.choose(table, layout.segmentSize(), checkpointFloor, nextSeq);
            if (victim < 0) {
                return false;
            }
            victimPos = 0;
        }
        if (victimPos < table.end(victim) && reader.read(victim, victimPos, -1, 0, false)) {
            for (int i = 0; i < reader.count(); i++) {
                byte type = reader.type(i);
                if ((type == TYPE_WRITE || type == TYPE_MOVE) && !relocate(i)) {
                    victim = -1;
                    return false;
                }
            }
            victimPos += reader.totalBytes();
            return true;
        }
        finishVictim();
        return true;
    }

    private boolean relocate(int i) {
        EngineBlockStore v = volumes.get(reader.volumeId(i));
        long lba = reader.lba(i);
        long old = reader.address(i);
        if (v == null || lba >= v.map.blocks() || v.map.get(lba) != old) {
            return true;
        }
        int len = PhysAddr.length(old);
        if (!ensureRoom(cold, len)) {
            LOG.warn("Cleaner has no segment to copy into; pausing");
            return false;
        }
        cold.append(TYPE_MOVE, v.id(), lba, v.map.crc(lba), old, reader.buffer(), reader.payloadIndex(i), len);
        coldAge = Math.max(coldAge, table.dataSeq(victim));
        return true;
    }

    private void finishVictim() throws IOException {
        int v = victim;
        victim = -1;
        if (!commitCold()) {
            return;
        }
        syncDirty();
        if (table.live(v) == 0) {
            table.setState(v, SegmentTable.FREE);
            segmentsCleaned++;
        } else {
            LOG.warn("Segment {} still holds {} live bytes after cleaning (unreadable batch?); leaving it", v,
                    table.live(v));
            table.restore(v, Long.MAX_VALUE, table.dataSeq(v), table.end(v));
        }
    }

    private boolean commitCold() {
        if (cold.isEmpty()) {
            return true;
        }
        long seq = nextSeq++;
        ByteBuffer batch = cold.seal(poolId, seq);
        int segment = cold.segment();
        try {
            layout.device(segment).write(layout.position(segment, cold.position()), batch);
            dirty[layout.deviceIndex(segment)] = true;
        } catch (IOException e) {
            LOG.warn("Writing cleaned data to segment {} failed ({}); abandoning it", segment, e.toString());
            cold.reset();
            abandon(cold);
            return false;
        }
        for (int i = 0; i < cold.count(); i++) {
            EngineBlockStore v = volumes.get(cold.volumeId(i));
            long lba = cold.lba(i);
            if (v != null && lba < v.map.blocks() && v.map.get(lba) == cold.arg(i)) {
                long address = cold.address(i);
                v.map.set(lba, address, cold.crc(i));
                releasing = v;
                release(cold.arg(i));
                acquire(v, address);
            }
        }
        int bytes = cold.sealedBytes();
        table.written(segment, seq, cold.position() + bytes);
        table.aged(segment, coldAge);
        coldAge = 0;
        cold.advance();
        logBytesSinceCheckpoint += bytes;
        deviceBytes += bytes;
        gcBytes += bytes;
        return true;
    }

    // ---- checkpoints and volumes (engine thread) ---------------------------------------------

    private boolean checkpointQuietly() {
        try {
            checkpoint();
            return true;
        } catch (IOException e) {
            LOG.warn("Checkpoint failed: {}", e.toString());
            return false;
        }
    }

    void checkpoint() throws IOException {
        commitHot();
        commitCold();
        syncDirty();
        CheckpointState state = new CheckpointState();
        state.checkpointSeq = checkpointSeq + 1;
        state.epoch = epoch;
        state.nextSeq = nextSeq;
        state.nextVolumeId = nextVolumeId;
        LogStream[] streams = {hot, cold};
        for (int i = 0; i < 2; i++) {
            state.streamSegment[i] = streams[i].segment();
            state.streamPosition[i] = streams[i].position();
            state.streamNext[i] = streams[i].next();
        }
        for (EngineBlockStore v : volumes.values()) {
            state.volumes.add(new VolumeRecord(v.id(), v.name(), v.blockSize(), v.capacityBytes(),
                    v.volatileWriteCache()));
            state.maps.put(v.id(), v.map);
        }
        checkpointer.write(state, table);
        checkpointSeq = state.checkpointSeq;
        checkpointFloor = state.nextSeq;
        logBytesSinceCheckpoint = 0;
        checkpoints++;
    }

    EngineBlockStore createVolume(String name, long capacity, int blockSize, boolean vwc) throws IOException {
        if (volumes.size() >= config.maxVolumes()) {
            throw new IllegalArgumentException("the pool holds its maximum of " + config.maxVolumes() + " volumes");
        }
        EngineBlockStore v = new EngineBlockStore(this, nextVolumeId++, name, blockSize, capacity, vwc,
                new VolumeMap(capacity / blockSize));
        volumes.put(v.id(), v);
        checkpoint();
        return v;
    }

    void resizeVolume(EngineBlockStore v, long capacity) throws IOException {
        commitHot();
        releasing = v;
        v.map.resize(capacity / v.blockSize(), releaser);
        v.setCapacity(capacity);
        checkpoint();
    }

    void deleteVolume(EngineBlockStore v) throws IOException {
        commitHot();
        v.markDeleted();
        releasing = v;
        v.map.clearRange(0, v.map.blocks(), releaser);
        volumes.remove(v.id());
        checkpoint();
    }

    PoolStats stats() {
        long mapped = 0;
        for (EngineBlockStore v : volumes.values()) {
            mapped += v.map.mappedBlocks() * v.blockSize();
        }
        return new PoolStats(table.segments(), table.freeCount(), layout.segmentSize(), usableBytes, liveBytes, mapped,
                hostBytes, deviceBytes, gcBytes, checksumErrors, checkpoints, segmentsCleaned, volumes.size());
    }

    /** Cleans until {@code segments} victims are freed or none is left (tests, benchmarks). */
    int clean(int segments) throws IOException {
        int freed = 0;
        long before = segmentsCleaned;
        while (segmentsCleaned - before < segments) {
            if (!gcStep() && victim < 0) {
                break;
            }
        }
        freed += (int) (segmentsCleaned - before);
        return freed;
    }
}
