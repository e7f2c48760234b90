package io.basalt.engine.pool;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.device.FaultyDevice;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Write amplification of 4 KiB random overwrites (docs/benchmarks.md, "Write amplification"): for each
 * fill of the pool's capacity (the usable bytes it reports, what an operator sees as 100%) and each
 * pattern (uniform, zipf 0.9, 80/20), a fresh pool on an in-memory device is filled sequentially,
 * overwritten once to reach steady state, then measured over two more overwrites of the volume.
 * Two ratios: log WA (batch and cleaner bytes ÷ host bytes) and device WA (every byte the device took,
 * checkpoints included ÷ host bytes). Not a test; run with
 * {@code java -Xmx8g -cp ... io.basalt.engine.pool.WaBench [deviceMiB [segmentKiB [fills [patterns]]]]}.
 */
public final class WaBench {
    private static final int QD = 32;
    private static final int BLOCK = 4096;

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("latency")) {
            latency(args.length > 1 ? Double.parseDouble(args[1]) : 0.85);
            return;
        }
        int deviceMiB = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int segmentKiB = args.length > 1 ? Integer.parseInt(args[1]) : 2048;
        double[] fills = args.length > 2 ? Arrays.stream(args[2].split(",")).mapToDouble(Double::parseDouble).toArray()
                : new double[]{0.5, 0.7, 0.8, 0.85};
        String[] patterns = args.length > 3 ? args[3].split(",") : new String[]{"uniform", "zipf", "80/20"};
        System.out.printf("device %d MiB, segments %d KiB%n", deviceMiB, segmentKiB);
        System.out.println("| fill of capacity | live ÷ raw | pattern | host GiB | log WA | device WA | segments cleaned |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (double fill : fills) {
            for (String pattern : patterns) {
                run((long) deviceMiB << 20, segmentKiB << 10, fill, pattern);
            }
        }
    }

    static void run(long deviceBytes, int segmentSize, double fill, String pattern) throws IOException {
        FaultyDevice device = new FaultyDevice("mem", Math.toIntExact(deviceBytes));
        PoolConfig d = PoolConfig.defaults();
        PoolConfig config = new PoolConfig(segmentSize, d.maxBatchPayload(),
                Long.getLong("wa.checkpoint", d.checkpointIntervalBytes()),
                Double.parseDouble(System.getProperty("wa.fillLimit", "" + d.fillLimit())),
                Double.parseDouble(System.getProperty("wa.low", "" + d.gcLowWater())),
                Double.parseDouble(System.getProperty("wa.high", "" + d.gcHighWater())), d.queueCapacity(),
                d.maxVolumes(), d.expectedReduction(), d.dedupIndexBytes(), d.readThreads());
        try (Pool pool = Pool.create(List.of(device), config)) {
            int blocks = (int) (pool.stats().usableBytes() * fill / BLOCK);
            EngineBlockStore v = pool.createVolume("v", (long) blocks * BLOCK, BLOCK, false);
            Random random = new Random(1);
            byte[] data = new byte[BLOCK];
            random.nextBytes(data);
            for (int b = 0; b < blocks; b += QD) {
                int n = Math.min(QD, blocks - b);
                List<TestIo> ios = new ArrayList<>(n);
                for (int k = 0; k < n; k++) {
                    TestIo io = TestIo.write((long) (b + k) * BLOCK, data);
                    v.submit(io);
                    ios.add(io);
                }
                awaitAll(ios);
            }
            Pattern p = Pattern.of(pattern, blocks, random);
            overwrite(v, blocks, p, random, data);
            PoolStats before = pool.stats();
            long deviceBefore = device.bytesWritten;
            overwrite(v, 2L * blocks, p, random, data);
            PoolStats after = pool.stats();
            double host = after.hostBytesWritten() - before.hostBytesWritten();
            double log = after.deviceBytesWritten() - before.deviceBytesWritten();
            double all = device.bytesWritten - deviceBefore;
            System.out.printf("| %.0f%% | %.1f%% | %s | %.2f | %.2f | %.2f | %d |%n", fill * 100,
                    100.0 * after.liveBytes() / deviceBytes, pattern, host / (1 << 30), log / host, all / host,
                    after.segmentsCleaned() - before.segmentsCleaned());
        }
    }

    /**
     * Foreground cost of cleaning: 4 KiB random overwrites at QD1 on a pool {@code fill} full, first
     * while free segments last (no cleaning), then in steady state (cleaning between writes).
     */
    static void latency(double fill) throws IOException {
        FaultyDevice device = new FaultyDevice("mem", 1 << 30);
        try (Pool pool = Pool.create(List.of(device), PoolConfig.defaults().withSegmentSize(2 << 20))) {
            int blocks = (int) (pool.stats().usableBytes() * fill / BLOCK);
            EngineBlockStore v = pool.createVolume("v", (long) blocks * BLOCK, BLOCK, false);
            Random random = new Random(1);
            byte[] data = new byte[BLOCK];
            random.nextBytes(data);
            Pattern sequential = new Pattern() {
                private int next;

                @Override
                public int next(Random r) {
                    return next++;
                }
            };
            overwrite(v, blocks - blocks % QD, sequential, random, data);
            Pattern uniform = Pattern.of("uniform", blocks, random);
            System.out.printf("4 KiB random overwrites at QD1, pool %.0f%% full, 1 GiB in-memory device%n", fill * 100);
            System.out.println("| phase | writes | segments cleaned | p50 µs | p99 µs | p99.9 µs | max µs |");
            System.out.println("|---|---|---|---|---|---|---|");
            qd1("no cleaning (free segments left)", pool, v, uniform, random, data, 20_000);
            overwrite(v, blocks, uniform, random, data);
            qd1("steady state (cleaning)", pool, v, uniform, random, data, 100_000);
        }
    }

    private static void qd1(String phase, Pool pool, EngineBlockStore v, Pattern p, Random random, byte[] data,
                            int writes) throws IOException {
        long[] nanos = new long[writes];
        long cleaned = pool.stats().segmentsCleaned();
        for (int i = 0; i < writes; i++) {
            TestIo io = TestIo.write((long) p.next(random) * BLOCK, data);
            long t0 = System.nanoTime();
            v.submit(io);
            int status = io.await();
            nanos[i] = System.nanoTime() - t0;
            if (status != IoStatus.OK) {
                throw new IllegalStateException("write failed: status " + status);
            }
        }
        Arrays.sort(nanos);
        System.out.printf("| %s | %d | %d | %.0f | %.0f | %.0f | %.0f |%n", phase, writes,
                pool.stats().segmentsCleaned() - cleaned, nanos[writes / 2] / 1e3, nanos[(int) (writes * 0.99)] / 1e3,
                nanos[(int) (writes * 0.999)] / 1e3, nanos[writes - 1] / 1e3);
    }

    private static void overwrite(EngineBlockStore v, long writes, Pattern p, Random random, byte[] data) {
        List<TestIo> ios = new ArrayList<>(QD);
        for (long i = 0; i < writes; i += QD) {
            ios.clear();
            for (int k = 0; k < QD; k++) {
                TestIo io = TestIo.write((long) p.next(random) * BLOCK, data);
                v.submit(io);
                ios.add(io);
            }
            awaitAll(ios);
        }
    }

    private static void awaitAll(List<TestIo> ios) {
        for (TestIo io : ios) {
            int status = io.await();
            if (status != IoStatus.OK) {
                throw new IllegalStateException("write failed: status " + status);
            }
        }
    }

    /** Which block the next overwrite hits. */
    private interface Pattern {
        int next(Random random);

        static Pattern of(String name, int blocks, Random random) {
            int[] perm = permutation(blocks, random);
            return switch (name) {
                case "uniform" -> r -> r.nextInt(blocks);
                case "zipf" -> {
                    double[] cdf = zipfCdf(blocks, 0.9);
                    yield r -> perm[sample(cdf, r)];
                }
                case "80/20" -> {
                    int hot = Math.max(1, blocks / 5);
                    yield r -> r.nextDouble() < 0.8 ? perm[r.nextInt(hot)] : perm[hot + r.nextInt(blocks - hot)];
                }
                default -> throw new IllegalArgumentException("pattern: uniform, zipf or 80/20, not " + name);
            };
        }
    }

    /** A random permutation of {@code 0..n-1}. */
    static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= sum;
        }
        return cdf;
    }

    private static int sample(double[] cdf, Random random) {
        int i = Arrays.binarySearch(cdf, random.nextDouble());
        return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
    }

    private WaBench() {
    }
}
