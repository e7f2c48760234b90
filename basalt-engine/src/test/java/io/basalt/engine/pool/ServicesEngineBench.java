package io.basalt.engine.pool;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.device.FaultyDevice;
import io.basalt.engine.services.CompressionAlgorithm;
import io.basalt.engine.services.KeyEncryptionKey;
import io.basalt.engine.services.ServicesBench;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Engine-level cost and effect of the inline data services: 4 KiB random writes (QD 32) of
 * realistic data through a pool on an in-memory device (so the engine thread's CPU, not a disk,
 * is what is measured), with services off, each on, and all on; IOPS and the data reduction the
 * pool reports. Each data set is written once, every block to a random LBA of its own (a
 * permutation), so the volume ends up holding exactly the data set. After a warm-up of every
 * configuration, best of three runs.
 *
 * <p>Not a test; run (niced, on a shared machine) after {@code ./mvnw -o -pl basalt-engine -am test-compile} with
 * <pre>
 * nice java -Xmx3g --enable-native-access=ALL-UNNAMED -cp basalt-engine/target/classes:basalt-engine/target/test-classes:$(cat cp.txt) \
 *     io.basalt.engine.pool.ServicesEngineBench [MiB per data set, default 64]
 * </pre>
 */
public final class ServicesEngineBench {
    private static final int BS = 4096;
    private static final int QD = 32;
    private static final int RUNS = 3;
    private static final KeyEncryptionKey KEK = KeyEncryptionKey.generate(new SecureRandom());

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        Map<String, byte[][]> sets = new LinkedHashMap<>(ServicesBench.dataSets(mib));
        sets.put("VM images (4 near-copies)", vmImages(sets, mib * 256));
        Map<String, VolumeOptions> configs = new LinkedHashMap<>();
        configs.put("off", VolumeOptions.none());
        configs.put("lz4", new VolumeOptions(CompressionAlgorithm.LZ4, false, false));
        configs.put("zstd-1", new VolumeOptions(CompressionAlgorithm.ZSTD, false, false));
        configs.put("dedup", new VolumeOptions(CompressionAlgorithm.OFF, true, false));
        configs.put("aes-xts", new VolumeOptions(CompressionAlgorithm.OFF, false, true));
        configs.put("lz4 + dedup + aes-xts", new VolumeOptions(CompressionAlgorithm.LZ4, true, true));
        configs.put("zstd-1 + dedup + aes-xts", new VolumeOptions(CompressionAlgorithm.ZSTD, true, true));
        System.out.printf("%d MiB per data set, 4 KiB random writes at QD %d, in-memory device, best of %d%n%n", mib,
                QD, RUNS);
        // Warm-up: every configuration once on the first data set, so the JIT has compiled the paths.
        byte[][] first = sets.values().iterator().next();
        for (VolumeOptions o : configs.values()) {
            run(first, o);
        }
        System.out.println("| data set | services | IOPS | compression | dedup | total (mapped ÷ physical) |");
        System.out.println("|---|---|---|---|---|---|");
        for (var set : sets.entrySet()) {
            for (var config : configs.entrySet()) {
                double best = 0;
                PoolStats stats = null;
                for (int run = 0; run < RUNS; run++) {
                    Result r = run(set.getValue(), config.getValue());
                    if (r.iops > best) {
                        best = r.iops;
                    }
                    stats = r.stats;
                }
                System.out.printf("| %s | %s | %.0f | %.2f | %.2f | %.2f |%n", set.getKey(), config.getKey(), best,
                        stats.compressionRatio(), stats.dedupRatio(),
                        (double) stats.mappedBytes() / Math.max(1, stats.liveBytes()));
            }
        }
    }

    private record Result(double iops, PoolStats stats) {
    }

    private static Result run(byte[][] data, VolumeOptions options) throws IOException {
        int blocks = data.length;
        long device = (long) blocks * BS * 2 + (32 << 20);
        try (Pool pool = Pool.create(List.of(new FaultyDevice("mem", (int) device)), PoolConfig.defaults(), KEK)) {
            EngineBlockStore v = pool.createVolume("v", (long) blocks * BS, BS, false, options);
            int[] lba = WaBench.permutation(blocks, new Random(7));
            List<TestIo> ios = new ArrayList<>(QD);
            long t0 = System.nanoTime();
            for (int i = 0; i < blocks; i += QD) {
                ios.clear();
                for (int k = i; k < Math.min(blocks, i + QD); k++) {
                    TestIo io = TestIo.write((long) lba[k] * BS, data[k]);
                    v.submit(io);
                    ios.add(io);
                }
                for (TestIo io : ios) {
                    if (io.await() != IoStatus.OK) {
                        throw new IllegalStateException("write failed");
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Result(blocks / seconds, pool.stats());
        }
    }

    /**
     * Four copies of one 1/4-size "root file system" (half text, half binaries blocks), each
     * with 2% of its blocks changed: the near-identical images a VM fleet stores.
     */
    private static byte[][] vmImages(Map<String, byte[][]> sets, int blocks) {
        byte[][] text = sets.get("text (JDK src.zip)");
        byte[][] bin = sets.get("binaries (/usr/bin)");
        int image = blocks / 4;
        Random random = new Random(11);
        byte[][] out = new byte[blocks][];
        for (int copy = 0; copy < 4; copy++) {
            for (int i = 0; i < image; i++) {
                byte[] b = (i % 2 == 0 ? text[i / 2 % text.length] : bin[i / 2 % bin.length]).clone();
                if (copy > 0 && random.nextInt(50) == 0) {
                    random.nextBytes(b);
                }
                out[copy * image + i] = b;
            }
        }
        return out;
    }

    private ServicesEngineBench() {
    }
}
