package io.basalt.engine.jmh;

import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;
import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.device.FileDevice;
import io.basalt.engine.pool.Pool;
import io.basalt.engine.pool.PoolConfig;
import io.basalt.engine.pool.PoolStats;
import io.basalt.engine.pool.VolumeOptions;
import io.basalt.engine.ram.RamBlockStore;
import io.netty.buffer.ByteBuf;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * 4 KiB random reads and writes through {@link BlockStore} — the interface the NVMe target calls —
 * on the engine alone and on the RAM backend, at queue depth 1 and 32 (see {@link QueueDriver}:
 * one call lasts one I/O's latency, so the score is calls/s; the {@code ios} counter is the IOPS).
 * Stores ({@code store}):
 * <ul>
 *   <li>{@code ram}: {@link RamBlockStore}, the reference: a copy, completed inline.
 *   <li>{@code engine-memory}: a pool on a {@link MemoryDevice}, services off: what the engine itself
 *       costs (submission ring, group commit, map, CRC32C, reader threads), no disk.
 *   <li>{@code engine-memory-lz4}: the same with LZ4, the default volume compression.
 *   <li>{@code engine-file}: a pool on an O_DIRECT file, services off: a write completes after its
 *       batch's fdatasync, a read is a device read. The file lives under {@code -Dbasalt.jmh.dir}
 *       (default: java.io.tmpdir), which must allow O_DIRECT (not tmpfs).
 * </ul>
 * Pools use the default config; {@code -Dbasalt.jmh.readThreads=N} sets their reader threads.
 * Every store holds a 256 MiB volume of 4 KiB blocks, filled once with text-like data before
 * measuring, so reads hit written blocks and writes overwrite (the engine's log wraps and cleans).
 * Run with {@code basalt-engine/src/test/bench/jmh.sh}; defaults here are the script's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(1)
public class BlockStoreBench {
    static final long VOLUME_BYTES = 256L << 20;
    /** Four times the volume: the log wraps within seconds, so the cleaner and checkpoints run as in a pool in use. */
    static final int DEVICE_BYTES = 1 << 30;
    private static final int PAYLOADS = 64;
    private static final int FILL_IO_BYTES = 1 << 20;

    @Param({"ram", "engine-memory", "engine-memory-lz4", "engine-file"})
    public String store;

    @Param({"1", "32"})
    public int depth;

    private BlockStore volume;
    private Pool pool;
    private Path dir;
    private ByteBuf[] payloads;
    private QueueDriver driver;

    /** Every I/O completed, measured or not: at queue depth 32 this, not the score (calls/s), is the IOPS. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Completed {
        public long ios;

        @Setup(Level.Iteration)
        public void reset() {
            ios = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws IOException {
        payloads = TextBlocks.create(PAYLOADS, 42);
        volume = open(store);
        fill(volume, payloads);
        int op = params.getBenchmark().endsWith("randomRead") ? BlockIo.OP_READ : BlockIo.OP_WRITE;
        driver = new QueueDriver(volume, op, depth, VOLUME_BYTES / QueueDriver.BLOCK, payloads, 7);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        driver.close();
        if (pool != null) {
            PoolStats s = pool.stats();
            // Context for the numbers: what the cleaner, checkpoints and compression did in the trial (the
            // pool's write amplification is device bytes ÷ payload bytes as stored, after compression).
            System.out.printf("%n%s: write amplification %.2f, compression %.2f, %d segments cleaned, %d checkpoints%n",
                    store, s.writeAmplification(), s.compressionRatio(), s.segmentsCleaned(), s.checkpoints());
            pool.close();
        } else {
            volume.close();
        }
        for (ByteBuf b : payloads) {
            b.release();
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    @Benchmark
    public void randomWrite(Completed completed) {
        completed.ios += driver.runOne();
    }

    @Benchmark
    public void randomRead(Completed completed) {
        completed.ios += driver.runOne();
    }

    private BlockStore open(String kind) throws IOException {
        switch (kind) {
            case "ram" -> {
                return new RamBlockStore(VOLUME_BYTES, QueueDriver.BLOCK);
            }
            case "engine-memory" -> {
                return openPool(new MemoryDevice(DEVICE_BYTES), VolumeOptions.none());
            }
            case "engine-memory-lz4" -> {
                return openPool(new MemoryDevice(DEVICE_BYTES), VolumeOptions.defaults());
            }
            case "engine-file" -> {
                dir = Files.createTempDirectory(Path.of(System.getProperty("basalt.jmh.dir",
                        System.getProperty("java.io.tmpdir"))), "basalt-jmh");
                FileDevice device = FileDevice.open(dir.resolve("pool.img"), DEVICE_BYTES, true);
                if (!device.isDirect()) {
                    device.close();
                    throw new IllegalStateException(dir + " does not allow O_DIRECT (tmpfs?): set basalt.jmh.dir");
                }
                return openPool(device, VolumeOptions.none());
            }
            default -> throw new IllegalArgumentException("unknown store " + kind);
        }
    }

    private BlockStore openPool(BlockDevice device, VolumeOptions options) throws IOException {
        PoolConfig config = PoolConfig.defaults();
        String readThreads = System.getProperty("basalt.jmh.readThreads");
        if (readThreads != null) {
            config = config.withReadThreads(Integer.parseInt(readThreads));
        }
        pool = Pool.create(List.of(device), config);
        return pool.createVolume("bench", VOLUME_BYTES, QueueDriver.BLOCK, false, options);
    }

    /** Writes every block once, sequentially, so that reads find data and writes overwrite. */
    private static void fill(BlockStore volume, ByteBuf[] payloads) {
        byte[] chunk = TextBlocks.concat(payloads, FILL_IO_BYTES / QueueDriver.BLOCK);
        for (long at = 0; at < VOLUME_BYTES; at += FILL_IO_BYTES) {
            int status = TestIo.write(at, chunk).runOn(volume);
            if (status != IoStatus.OK) {
                throw new IllegalStateException("fill failed at " + at + " with status " + status);
            }
        }
    }
}
