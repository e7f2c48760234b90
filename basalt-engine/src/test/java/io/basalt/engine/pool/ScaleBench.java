package io.basalt.engine.pool;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.checkpoint.CheckpointState;
import io.basalt.engine.checkpoint.Checkpointer;
import io.basalt.engine.device.FileDevice;
import io.basalt.engine.gc.SegmentTable;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.map.VolumeMap;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Restart time, checkpoint write time and memory per mapped block at millions of mapped blocks,
 * for docs/benchmarks.md ("Restart time and memory per mapped block"). Not a test; run by
 * {@code basalt-engine/src/test/bench/scale-bench.sh}, one phase per JVM, so every timed
 * {@link Pool#open} starts cold, as a restarted brick does.
 *
 * <p>50M mapped 4 KiB blocks are 200 GB of data, more than the disk holds, so {@code prepare}
 * does not write data: it formats a pool on a sparse file sized for the blocks, then writes
 * through {@link Checkpointer} a checkpoint whose map holds N blocks at the addresses a
 * sequential fill would have given them (dense segments, 256-block batches). Restart reads
 * only the checkpoint and the log after it, never the payloads, so {@link Pool#open} does
 * exactly the work it would do after N real writes.
 *
 * <pre>
 * ScaleBench DIR prepare N     format DIR/scale.img, write the synthetic checkpoint
 * ScaleBench DIR fill N        the same pool with N blocks written for real (to check prepare against)
 * ScaleBench DIR open          time Pool.open (load, replay, post-recovery checkpoint), heap, checkpoints:
 *                              synchronous (engine stalled throughout) and background (engine pause, total)
 * ScaleBench DIR latency MODE  QD1 4 KiB random overwrites while checkpoints run, MODE sync (on the engine
 *                              thread, as before background checkpoints) or background: latency of the
 *                              writes that overlapped a checkpoint, and of the others
 * ScaleBench DIR crash         write one checkpoint interval of 4 KiB random overwrites, stop without a checkpoint
 * ScaleBench DIR load          time Checkpointer.load alone
 * ScaleBench DIR cpu N         time Checkpointer.write of N blocks to a device that discards writes: its CPU share
 * ScaleBench DIR memory N...   heap per mapped block of a VolumeMap: dense, random at 1/2 and 1/4 density,
 *                              and 10 000 blocks one per chunk (the worst case)
 * </pre>
 */
public final class ScaleBench {
    private static final int BLOCK = 4096;
    /** Blocks a sequential fill puts in one 8 MiB segment: 8 batches of up to 256 blocks. */
    private static final int BLOCKS_PER_SEGMENT = 2040;
    private static final int BLOCKS_PER_BATCH = 256;
    private static final int QD = 32;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        Path file = dir.resolve("scale.img");
        switch (args[1]) {
            case "prepare" -> prepare(file, Long.parseLong(args[2]));
            case "fill" -> fill(file, Long.parseLong(args[2]));
            case "open" -> open(file);
            case "latency" -> latency(file, args[2]);
            case "crash" -> crash(file);
            case "load" -> load(file);
            case "cpu" -> serialisation(Long.parseLong(args[2]));
            case "memory" -> {
                for (int i = 2; i < args.length; i++) {
                    memory(Long.parseLong(args[i]));
                }
                sparseMemory(10_000);
            }
            default -> throw new IllegalArgumentException("unknown phase " + args[1]);
        }
    }

    /** The pool file for {@code blocks} mapped blocks. */
    private static long deviceBytes(long blocks, PoolConfig config) {
        long segments = (blocks + BLOCKS_PER_SEGMENT - 1) / BLOCKS_PER_SEGMENT;
        // Data segments, then the 2% reserve and the cleaner's watermarks above it (not reached, so
        // the cleaner never looks at the synthetic segments, which hold no batches), the streams'
        // segments and room for a replay interval.
        return (long) (segments * 1.06 + 64) * config.segmentSize();
    }

    /** The same pool as {@link #prepare}, filled for real: every block written, sequentially, 1 MiB at a time. */
    static void fill(Path file, long blocks) throws IOException {
        Files.deleteIfExists(file);
        PoolConfig config = PoolConfig.defaults();
        long t0 = System.nanoTime();
        try (Pool pool = Pool.create(List.of(FileDevice.open(file, deviceBytes(blocks, config), true)), config)) {
            EngineBlockStore v = pool.createVolume("v", blocks * BLOCK, BLOCK, false);
            byte[] data = new byte[256 * BLOCK];
            new SplittableRandom(6).nextBytes(data);
            for (long b = 0; b < blocks; b += 256) {
                int n = (int) Math.min(256, blocks - b);
                TestIo io = TestIo.write(b * BLOCK, n == 256 ? data : java.util.Arrays.copyOf(data, n * BLOCK));
                if (io.runOn(v) != IoStatus.OK) {
                    throw new IllegalStateException("write failed");
                }
            }
        }
        System.out.printf("fill: %d blocks written in %.0f s%n", blocks, (System.nanoTime() - t0) / 1e9);
    }

    /** Formats a pool with room for {@code blocks} mapped blocks and one volume mapping all of them. */
    static void prepare(Path file, long blocks) throws IOException {
        Files.deleteIfExists(file);
        PoolConfig config = PoolConfig.defaults();
        long deviceBytes = deviceBytes(blocks, config);
        try (Pool pool = Pool.create(List.of(FileDevice.open(file, deviceBytes, true)), config)) {
            pool.createVolume("v", blocks * BLOCK, BLOCK, false);
        }
        try (FileDevice device = FileDevice.open(file, 0, true)) {
            Superblock sb = Superblock.read(device);
            Checkpointer checkpointer = new Checkpointer(device, sb.checkpointStart(), sb.checkpointSlotBytes(),
                    sb.poolId());
            SegmentTable table = new SegmentTable(sb.segmentsPerDevice() * sb.deviceCount(), sb.deviceCount());
            CheckpointState state = new CheckpointState();
            if (!checkpointer.load(state, table)) {
                throw new IOException("the fresh pool has no checkpoint");
            }
            // Keep what the real checkpoint holds (the streams' segments); FREE ones are written as empty.
            for (int s = 0; s < table.segments(); s++) {
                if (table.lastSeq(s) != 0 || table.end(s) != 0) {
                    table.setState(s, SegmentTable.FULL);
                }
            }
            List<Integer> busy = List.of(state.streamSegment[0], state.streamSegment[1], state.streamNext[0],
                    state.streamNext[1]);
            VolumeMap map = state.maps.values().iterator().next();
            long dataSeq = state.nextSeq - 1;
            int segment = 0;
            for (long lba = 0; lba < blocks; ) {
                while (busy.contains(segment)) {
                    segment++;
                }
                table.setState(segment, SegmentTable.FULL);
                table.restore(segment, dataSeq, dataSeq, config.segmentSize());
                for (int k = 0; k < BLOCKS_PER_SEGMENT && lba < blocks; k++, lba++) {
                    int offset = (k + k / BLOCKS_PER_BATCH + 1) * BLOCK;
                    map.set(lba, PhysAddr.pack(segment, offset, BLOCK), (int) mix(lba));
                }
                segment++;
            }
            state.checkpointSeq++;
            long t0 = System.nanoTime();
            checkpointer.write(state, table);
            System.out.printf("prepare: %d blocks mapped in %d segments; checkpoint written in %.0f ms "
                    + "(Checkpointer.write alone, cold JIT); device %.1f GiB sparse%n", blocks, segment,
                    ms(System.nanoTime() - t0), deviceBytes / (double) (1L << 30));
        }
    }

    /** A restart: Pool.open timed in a fresh JVM, the map's heap, then checkpoints of the open pool. */
    static void open(Path file) throws Exception {
        long heapBefore = heapAfterGc();
        long gcBefore = gcMillis();
        long t0 = System.nanoTime();
        Pool pool = Pool.open(List.of(FileDevice.open(file, 0, true)), PoolConfig.defaults());
        long open = System.nanoTime() - t0;
        long gc = gcMillis() - gcBefore;
        long heap = heapAfterGc() - heapBefore;
        long mapped = pool.stats().mappedBytes() / BLOCK;
        System.out.printf("open: %d mapped blocks, Pool.open %.0f ms (of which GC %d ms); heap +%.1f MiB = %.2f B"
                + " per mapped block%n", mapped, ms(open), gc, heap / 1048576.0, heap / (double) mapped);
        StringBuilder times = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            t0 = System.nanoTime();
            pool.checkpoint();
            times.append(i == 0 ? "" : ", ").append(Math.round(ms(System.nanoTime() - t0)));
        }
        System.out.println("checkpoint (engine paused) ms: " + times);
        StringBuilder pauses = new StringBuilder();
        StringBuilder totals = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            t0 = System.nanoTime();
            if (!pool.startCheckpoint()) {
                throw new IllegalStateException("a checkpoint was already in flight");
            }
            long pause = pool.lastCheckpointPauseNanos();
            awaitCheckpoint(pool);
            pauses.append(i == 0 ? "" : ", ").append(String.format("%.2f", ms(pause)));
            totals.append(i == 0 ? "" : ", ").append(Math.round(ms(System.nanoTime() - t0)));
        }
        System.out.println("background checkpoint: engine paused ms: " + pauses + "; written in ms: " + totals);
        pool.close();
    }

    private static void awaitCheckpoint(Pool pool) throws IOException, InterruptedException {
        while (pool.checkpointInFlight()) {
            Thread.sleep(1);
        }
    }

    /**
     * QD1 4 KiB random overwrites on one thread while the main thread takes a checkpoint every 0.7 s,
     * synchronously ({@code sync}: on the engine thread, the behaviour before background checkpoints)
     * or in the background; prints the latency of the writes that overlapped a checkpoint and of the rest.
     */
    static void latency(Path file, String mode) throws Exception {
        boolean background = switch (mode) {
            case "sync" -> false;
            case "background" -> true;
            default -> throw new IllegalArgumentException("mode sync or background, not " + mode);
        };
        Pool pool = Pool.open(List.of(FileDevice.open(file, 0, true)), PoolConfig.defaults());
        EngineBlockStore v = pool.volume("v");
        long blocks = v.capacityBytes() / BLOCK;
        int max = 1 << 20;
        long[] starts = new long[max];
        long[] ends = new long[max];
        int[] count = new int[1];
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread writer = Thread.ofPlatform().name("latency-writer").start(() -> {
            SplittableRandom random = new SplittableRandom(9);
            byte[] data = new byte[BLOCK];
            int n = 0;
            while (!stop.get() && n < max) {
                long t = System.nanoTime();
                TestIo io = TestIo.write(random.nextLong(blocks) * BLOCK, data);
                v.submit(io);
                if (io.await() != IoStatus.OK) {
                    throw new IllegalStateException("write failed");
                }
                starts[n] = t;
                ends[n++] = System.nanoTime();
            }
            count[0] = n;
        });
        Thread.sleep(1000);
        List<long[]> windows = new ArrayList<>();
        StringBuilder pauses = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            Thread.sleep(700);
            long t0 = System.nanoTime();
            if (background) {
                pool.startCheckpoint();
                pauses.append(i == 0 ? "" : ", ").append(String.format("%.2f", ms(pool.lastCheckpointPauseNanos())));
                awaitCheckpoint(pool);
            } else {
                pool.checkpoint();
            }
            windows.add(new long[]{t0, System.nanoTime()});
        }
        Thread.sleep(700);
        stop.set(true);
        writer.join();
        pool.close();
        long[] during = new long[count[0]];
        long[] other = new long[count[0]];
        int d = 0;
        int o = 0;
        for (int i = 0; i < count[0]; i++) {
            boolean overlaps = false;
            for (long[] w : windows) {
                overlaps |= starts[i] < w[1] && ends[i] > w[0];
            }
            if (overlaps) {
                during[d++] = ends[i] - starts[i];
            } else {
                other[o++] = ends[i] - starts[i];
            }
        }
        StringBuilder window = new StringBuilder();
        for (long[] w : windows) {
            window.append(window.isEmpty() ? "" : ", ").append(Math.round(ms(w[1] - w[0])));
        }
        System.out.printf("latency %s: checkpoints took ms: %s%s%n  during a checkpoint: %s%n  otherwise:           %s%n",
                mode, window, background ? "; engine paused ms: " + pauses : "", percentiles(during, d),
                percentiles(other, o));
    }

    private static String percentiles(long[] nanos, int n) {
        if (n == 0) {
            return "no writes";
        }
        long[] sorted = java.util.Arrays.copyOf(nanos, n);
        java.util.Arrays.sort(sorted);
        return String.format("%d writes, p50 %.2f ms, p99 %.2f ms, max %.2f ms", n, ms(sorted[n / 2]),
                ms(sorted[Math.min(n - 1, (int) (n * 0.99))]), ms(sorted[n - 1]));
    }

    /** Fills one checkpoint interval of log with 4 KiB random overwrites at QD32, then stops dead. */
    static void crash(Path file) throws IOException {
        PoolConfig config = PoolConfig.defaults();
        Pool pool = Pool.open(List.of(FileDevice.open(file, 0, true)), config);
        EngineBlockStore v = pool.volume("v");
        long blocks = v.capacityBytes() / BLOCK;
        // Stay just under the interval: reaching it would checkpoint and leave nothing to replay.
        long target = config.checkpointIntervalBytes() - (2L << 20);
        long start = pool.stats().deviceBytesWritten();
        SplittableRandom random = new SplittableRandom(4);
        byte[] data = new byte[BLOCK];
        long writes = 0;
        long t0 = System.nanoTime();
        while (pool.stats().deviceBytesWritten() - start < target - (QD + 1) * BLOCK) {
            List<TestIo> ios = new ArrayList<>(QD);
            for (int k = 0; k < QD; k++) {
                TestIo io = TestIo.write(random.nextLong(blocks) * BLOCK, data);
                v.submit(io);
                ios.add(io);
            }
            for (TestIo io : ios) {
                if (io.await() != IoStatus.OK) {
                    throw new IllegalStateException("write failed");
                }
            }
            writes += QD;
        }
        PoolStats stats = pool.stats();
        pool.halt();
        System.out.printf("crash: %d random 4 KiB writes, %.1f MiB of log left to replay (%.0f IOPS); halted%n",
                writes, (stats.deviceBytesWritten() - start) / 1048576.0, writes / ((System.nanoTime() - t0) / 1e9));
    }

    /** Checkpointer.load alone, cold, as the first step of Pool.open runs it. */
    static void load(Path file) throws IOException {
        try (FileDevice device = FileDevice.open(file, 0, true)) {
            Superblock sb = Superblock.read(device);
            Checkpointer checkpointer = new Checkpointer(device, sb.checkpointStart(), sb.checkpointSlotBytes(),
                    sb.poolId());
            SegmentTable table = new SegmentTable(sb.segmentsPerDevice() * sb.deviceCount(), sb.deviceCount());
            CheckpointState state = new CheckpointState();
            long gcBefore = gcMillis();
            long t0 = System.nanoTime();
            if (!checkpointer.load(state, table)) {
                throw new IOException("no checkpoint");
            }
            long t = System.nanoTime() - t0;
            long mapped = 0;
            for (VolumeMap m : state.maps.values()) {
                mapped += m.mappedBlocks();
            }
            System.out.printf("load: %d mapped blocks, Checkpointer.load %.0f ms (of which GC %d ms), %.1f MB body%n",
                    mapped, ms(t), gcMillis() - gcBefore, mapped * Checkpointer.ENTRY_BYTES / 1e6);
        }
    }

    /** Checkpointer.write without device time: what serialising and checksumming the map costs. */
    static void serialisation(long blocks) throws IOException {
        int segments = (int) (blocks / BLOCKS_PER_SEGMENT + 8);
        long slot = Checkpointer.slotBytesFor(segments, blocks, 4);
        Checkpointer checkpointer = new Checkpointer(new NullDevice(4096 + 2 * slot), 4096, slot, 1);
        CheckpointState state = new CheckpointState();
        state.volumes.add(new io.basalt.engine.checkpoint.VolumeRecord(1, "v", BLOCK, blocks * BLOCK, false));
        VolumeMap map = new VolumeMap(blocks);
        for (long lba = 0; lba < blocks; lba++) {
            int k = (int) (lba % BLOCKS_PER_SEGMENT);
            map.set(lba, PhysAddr.pack((int) (lba / BLOCKS_PER_SEGMENT), (k + k / BLOCKS_PER_BATCH + 1) * BLOCK, BLOCK),
                    (int) mix(lba));
        }
        state.maps.put(1, map);
        SegmentTable table = new SegmentTable(segments, 1);
        StringBuilder times = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            state.checkpointSeq = i;
            long t0 = System.nanoTime();
            checkpointer.write(state, table);
            times.append(i == 0 ? "" : ", ").append(Math.round(ms(System.nanoTime() - t0)));
        }
        System.out.println("cpu: Checkpointer.write of " + blocks + " blocks to a discarding device, ms: " + times);
    }

    /** Accepts and forgets every write; reads return zeros. */
    private record NullDevice(long size) implements io.basalt.engine.device.BlockDevice {
        @Override
        public String name() {
            return "null";
        }

        @Override
        public void read(long position, java.nio.ByteBuffer dst) {
            while (dst.hasRemaining()) {
                dst.put((byte) 0);
            }
        }

        @Override
        public void write(long position, java.nio.ByteBuffer src) {
            src.position(src.limit());
        }

        @Override
        public void sync() {
        }

        @Override
        public void close() {
        }
    }

    /** Heap a VolumeMap holds per mapped block, mapped densely and at random over 2x and 4x the blocks. */
    static void memory(long blocks) {
        for (int spread : new int[]{1, 2, 4}) {
            long before = heapAfterGc();
            VolumeMap map = new VolumeMap(blocks * spread);
            SplittableRandom random = new SplittableRandom(5);
            if (spread == 1) {
                for (long lba = 0; lba < blocks; lba++) {
                    map.set(lba, PhysAddr.pack(1, 4096, BLOCK), 1);
                }
            } else {
                while (map.mappedBlocks() < blocks) {
                    map.set(random.nextLong(blocks * spread), PhysAddr.pack(1, 4096, BLOCK), 1);
                }
            }
            long used = heapAfterGc() - before;
            System.out.printf("| %,d | %s | %,.1f | %.2f |%n", blocks,
                    spread == 1 ? "sequential (dense)" : "random, 1/" + spread + " of the volume",
                    used / 1048576.0, used / (double) map.mappedBlocks());
            java.lang.ref.Reference.reachabilityFence(map);
        }
    }

    /** The worst case: one mapped block in every 4096-block chunk. */
    static void sparseMemory(long blocks) {
        long before = heapAfterGc();
        VolumeMap map = new VolumeMap(blocks * VolumeMap.CHUNK_BLOCKS);
        for (long i = 0; i < blocks; i++) {
            map.set(i * VolumeMap.CHUNK_BLOCKS, PhysAddr.pack(1, 4096, BLOCK), 1);
        }
        long used = heapAfterGc() - before;
        System.out.printf("| %,d | one per 4096-block chunk | %,.1f | %,.0f |%n", blocks, used / 1048576.0,
                used / (double) map.mappedBlocks());
        java.lang.ref.Reference.reachabilityFence(map);
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long gcMillis() {
        long t = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, gc.getCollectionTime());
        }
        return t;
    }

    private static long mix(long x) {
        x *= 0x9E3779B97F4A7C15L;
        return x ^ (x >>> 29);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private ScaleBench() {
    }
}
