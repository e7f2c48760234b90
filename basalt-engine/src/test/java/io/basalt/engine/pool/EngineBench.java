package io.basalt.engine.pool;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.device.FileDevice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Engine-alone measurements for docs/benchmarks.md ("Storage engine"): IOPS on a file device, reads
 * per reader-thread count, restart time (write amplification: {@link WaBench}). Not a test; run with
 * {@code java -cp ... io.basalt.engine.pool.EngineBench [dir [iops | restart BLOCKS...]]}.
 */
public final class EngineBench {
    private static final int QD = 32;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench");
        Files.createDirectories(dir);
        if (args.length > 1 && args[1].equals("restart")) {
            for (int i = 2; i < args.length; i++) {
                restart(dir, Integer.parseInt(args[i]));
            }
            return;
        }
        if (args.length > 1 && args[1].equals("iops")) {
            iops(dir);
            reads(dir);
            return;
        }
        iops(dir);
        reads(dir);
        restart(dir, 262_144);
    }

    static void iops(Path dir) throws IOException {
        Path file = dir.resolve("iops.img");
        Files.deleteIfExists(file);
        try (Pool pool = Pool.create(List.of(FileDevice.open(file, 2L << 30, true)), PoolConfig.defaults())) {
            int blocks = 131_072;
            EngineBlockStore v = pool.createVolume("v", (long) blocks * 4096, 4096, false);
            Random random = new Random(2);
            byte[] data = new byte[4096];
            random.nextBytes(data);
            for (int qd : new int[]{1, QD}) {
                long n = 0;
                long t0 = System.nanoTime();
                while (System.nanoTime() - t0 < 3_000_000_000L) {
                    runBatch(v, -1, qd, data, null, random);
                    n += qd;
                }
                System.out.printf("randwrite 4K QD%d (fdatasync per batch): %.0f IOPS%n", qd,
                        n / ((System.nanoTime() - t0) / 1e9));
            }
            for (int qd : new int[]{1, QD}) {
                System.out.printf("randread 4K QD%d (mapped and unmapped blocks): %.0f IOPS%n", qd,
                        randomReadIops(v, blocks, qd, random));
            }
        }
        Files.deleteIfExists(file);
    }

    /**
     * Random 4 KiB reads of a volume filled sequentially (every read goes to the device), with reads
     * served on the engine thread (0 reader threads, as before reader threads) and by reader threads.
     */
    static void reads(Path dir) throws IOException {
        Path file = dir.resolve("reads.img");
        Files.deleteIfExists(file);
        int blocks = 131_072;
        PoolConfig config = PoolConfig.defaults();
        try (Pool pool = Pool.create(List.of(FileDevice.open(file, 2L << 30, true)), config)) {
            EngineBlockStore v = pool.createVolume("v", (long) blocks * 4096, 4096, false);
            byte[] chunk = new byte[256 * 4096];
            new Random(4).nextBytes(chunk);
            for (int b = 0; b < blocks; b += 256) {
                check(TestIo.write((long) b * 4096, chunk).runOn(v));
            }
        }
        for (int threads : new int[]{0, 1, 2, PoolConfig.readThreadsDefault(), 8}) {
            try (Pool pool = Pool.open(List.of(FileDevice.open(file, 0, true)), config.withReadThreads(threads))) {
                EngineBlockStore v = pool.volume("v");
                Random random = new Random(5);
                for (int qd : new int[]{1, QD}) {
                    System.out.printf("randread 4K QD%d, volume filled, %d reader threads: %.0f IOPS%n", qd, threads,
                            randomReadIops(v, blocks, qd, random));
                }
            }
        }
        Files.deleteIfExists(file);
    }

    static void restart(Path dir, int blocks) throws IOException {
        Path file = dir.resolve("restart.img");
        Files.deleteIfExists(file);
        PoolConfig config = PoolConfig.defaults();
        Random random = new Random(3);
        byte[] data = new byte[4096];
        random.nextBytes(data);
        Pool pool = Pool.create(List.of(FileDevice.open(file, (long) blocks * 4096 * 2, true)), config);
        EngineBlockStore v = pool.createVolume("v", (long) blocks * 4096, 4096, false);
        for (int b = 0; b < blocks; b += 256) {
            byte[] chunk = new byte[256 * 4096];
            check(TestIo.write((long) b * 4096, chunk).runOn(v));
        }
        pool.close();
        long t0 = System.nanoTime();
        pool = Pool.open(List.of(FileDevice.open(file, 0, true)), config);
        long clean = System.nanoTime() - t0;
        // Overwrite 64 MiB more, then stop without a checkpoint: the next open replays it.
        v = pool.volume("v");
        for (int i = 0; i < 16_384; i += QD) {
            runBatch(v, -1, QD, data, null, random);
        }
        pool.halt();
        t0 = System.nanoTime();
        pool = Pool.open(List.of(FileDevice.open(file, 0, true)), config);
        long replay = System.nanoTime() - t0;
        pool.close();
        System.out.printf("restart with %d mapped blocks: %.0f ms after a clean close, %.0f ms after a crash"
                + " (64 MiB of log to replay)%n", blocks, clean / 1e6, replay / 1e6);
        Files.deleteIfExists(file);
    }

    /** 4 KiB reads of random blocks of {@code v}, {@code qd} at a time, for 3 s: reads per second. */
    private static double randomReadIops(EngineBlockStore v, int blocks, int qd, Random random) {
        long n = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 3_000_000_000L) {
            List<TestIo> ios = new ArrayList<>(qd);
            for (int k = 0; k < qd; k++) {
                TestIo io = TestIo.read((long) random.nextInt(blocks) * 4096, 4096);
                v.submit(io);
                ios.add(io);
            }
            for (TestIo io : ios) {
                check(io.await());
            }
            n += qd;
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static void runBatch(EngineBlockStore v, int first, int count, byte[] data, double[] cdf, Random random) {
        List<TestIo> ios = new ArrayList<>(count);
        long blocks = v.capacityBytes() / 4096;
        for (int k = 0; k < count; k++) {
            long b = first >= 0 ? first + k : (long) (random.nextDouble() * blocks);
            TestIo io = TestIo.write(b * 4096, data);
            v.submit(io);
            ios.add(io);
        }
        for (TestIo io : ios) {
            check(io.await());
        }
    }

    private static void check(int status) {
        if (status != IoStatus.OK) {
            throw new IllegalStateException("status " + status);
        }
    }

    private EngineBench() {
    }
}
