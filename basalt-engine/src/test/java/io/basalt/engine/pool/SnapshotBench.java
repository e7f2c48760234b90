package io.basalt.engine.pool;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.device.FileDevice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Snapshot measurements for docs/benchmarks.md ("Snapshots"): snapshot and clone latency with 0, 10
 * and 100 snapshots existing, 4 KiB random-write IOPS on a volume with 0 and 50 snapshots, and heap
 * per snapshot. One pool on a file (O_DIRECT, fdatasync per batch), default config. Not a test; run
 * like {@link EngineBench}: {@code ... io.basalt.engine.pool.SnapshotBench DIR}.
 */
public final class SnapshotBench {
    private static final int QD = 32;
    private static final long VOLUME = 32L << 30;
    private static final int FILL_BLOCKS = 65_536;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench");
        Files.createDirectories(dir);
        Path file = dir.resolve("snap.img");
        Files.deleteIfExists(file);
        Random random = new Random(7);
        byte[] data = new byte[4096];
        random.nextBytes(data);
        try (Pool pool = Pool.create(List.of(FileDevice.open(file, 3L << 30, true)), PoolConfig.defaults())) {
            EngineBlockStore v = pool.createVolume("v", VOLUME, 4096, false);
            fill(v, data, random);
            System.out.printf("volume: %d GiB thin, %d random 4 KiB blocks written (%d MiB), %d map chunks%n",
                    VOLUME >> 30, FILL_BLOCKS, FILL_BLOCKS / 256, v.map.chunkCount());
            double iops0 = iops(v, data, random);

            long[] snapNanos = new long[110];
            long[] cloneNanos = new long[3];
            int clones = 0;
            long heapBefore = 0;
            long heapAfter = 0;
            for (int n = 0; n < snapNanos.length; n++) {
                if (n == 50) {
                    heapBefore = heap();
                } else if (n == 100) {
                    heapAfter = heap();
                }
                if (n == 0 || n == 10 || n == 100) {
                    long t0 = System.nanoTime();
                    List<SnapshotInfo> list = pool.listSnapshots("v");
                    pool.cloneVolume(list.isEmpty() ? pool.createSnapshot("v", "base").id() : list.getLast().id(),
                            "clone" + n, false);
                    cloneNanos[clones++] = System.nanoTime() - t0;
                    pool.deleteVolume("clone" + n);
                    if (n == 0) {
                        pool.deleteSnapshot(pool.snapshot("v", "base").id());
                    }
                }
                // 256 random writes between snapshots: each lands in its own chunk and copies it.
                for (int i = 0; i < 256; i += QD) {
                    batch(v, data, random);
                }
                long t0 = System.nanoTime();
                pool.createSnapshot("v", "s" + n);
                snapNanos[n] = System.nanoTime() - t0;
                if (n == 49) {
                    System.out.printf("randwrite 4K QD%d: %.0f IOPS with 0 snapshots, %.0f IOPS with 50%n", QD, iops0,
                            iops(v, data, random));
                }
            }
            System.out.printf("snapshot latency (median of 5 from n existing): n=0 %.2f ms, n=10 %.2f ms,"
                    + " n=100 %.2f ms%n", median(snapNanos, 0), median(snapNanos, 10), median(snapNanos, 100));
            System.out.printf("clone latency (a checkpoint): n=0 %.1f ms, n=10 %.1f ms, n=100 %.1f ms%n",
                    cloneNanos[0] / 1e6, cloneNanos[1] / 1e6, cloneNanos[2] / 1e6);
            System.out.printf("heap per snapshot, 256 blocks written between snapshots: %.0f KiB%n",
                    (heapAfter - heapBefore) / 50.0 / 1024);
            List<SnapshotInfo> all = pool.listSnapshots("v");
            diff(pool, all.get(50).id(), all.get(51).id(), "consecutive snapshots (256 blocks written between)");
            diff(pool, all.get(0).id(), all.get(109).id(), "snapshots 0 and 109 (≈ 28 000 blocks + a 3 s write run)");
            diff(pool, all.get(0).id(), v.id(), "snapshot 0 and the volume");
            long idleBefore = heap();
            for (int n = 0; n < 100; n++) {
                pool.createSnapshot("v", "idle" + n);
            }
            System.out.printf("heap per snapshot, nothing written between snapshots: %.0f KiB (directory of %d"
                    + " chunks)%n", (heap() - idleBefore) / 100.0 / 1024, v.map.chunkCount());
            long t0 = System.nanoTime();
            pool.checkpoint();
            System.out.printf("checkpoint with %d snapshots: %.0f ms%n", pool.snapshots().size(),
                    (System.nanoTime() - t0) / 1e6);
        }
        Files.deleteIfExists(file);
    }

    /** Pages through the whole diff, 1000 ranges a page; prints ranges and time. */
    private static void diff(Pool pool, int a, int b, String what) throws IOException {
        long t0 = System.nanoTime();
        long ranges = 0;
        long blocks = 0;
        int pages = 0;
        for (long from = 0; from >= 0; pages++) {
            DiffPage page = pool.diff(a, b, from, 1000);
            for (DiffPage.Range r : page.ranges()) {
                ranges++;
                blocks += r.blocks();
            }
            from = page.nextLba();
        }
        System.out.printf("diff of %s: %d ranges, %d blocks, %d pages in %.1f ms%n", what, ranges, blocks, pages,
                (System.nanoTime() - t0) / 1e6);
    }

    private static void fill(EngineBlockStore v, byte[] data, Random random) {
        for (int i = 0; i < FILL_BLOCKS; i += QD) {
            batch(v, data, random);
        }
    }

    private static double iops(EngineBlockStore v, byte[] data, Random random) {
        long n = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 3_000_000_000L) {
            batch(v, data, random);
            n += QD;
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /** QD random 4 KiB writes over the whole volume, waited for together. */
    private static void batch(EngineBlockStore v, byte[] data, Random random) {
        List<TestIo> ios = new ArrayList<>(QD);
        long blocks = v.capacityBytes() / 4096;
        for (int k = 0; k < QD; k++) {
            TestIo io = TestIo.write((long) (random.nextDouble() * blocks) * 4096, data);
            v.submit(io);
            ios.add(io);
        }
        for (TestIo io : ios) {
            if (io.await() != IoStatus.OK) {
                throw new IllegalStateException("write failed");
            }
        }
    }

    private static double median(long[] nanos, int from) {
        long[] five = Arrays.copyOfRange(nanos, from, from + 5);
        Arrays.sort(five);
        return five[2] / 1e6;
    }

    private static long heap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private SnapshotBench() {
    }
}
