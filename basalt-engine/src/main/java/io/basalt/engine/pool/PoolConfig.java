package io.basalt.engine.pool;

/**
 * Tunables of a pool, each with its default here and nowhere else. Segment size is fixed at
 * format; the rest may change between opens.
 *
 * @param segmentSize             bytes per segment, a multiple of 4 KiB (default 8 MiB)
 * @param maxBatchPayload         payload bytes per batch (default 1 MiB; at most a quarter segment)
 * @param checkpointIntervalBytes log bytes between checkpoints, bounding replay (default 256 MiB); a large
 *                                map stretches it to 8 times the checkpoint size (at most 1/16 of the pool)
 * @param fillLimit               share of the non-reserved space live data may fill (default 0.85): the
 *                                rest is over-provisioning, free room that makes cleaning cheap. Under
 *                                4 KiB random overwrites of a pool 85% full, 0.95 costs a write
 *                                amplification of ≈ 3.0 and 0.85 ≈ 2.2 (docs/benchmarks.md); an SSD
 *                                for mixed use keeps ≈ 28% for the same reason
 * @param gcLowWater              share of segments, above the cleaner's reserve, that may be free
 *                                before background cleaning starts (default 1%, at least 2 segments)
 * @param gcHighWater             same, at which it stops (default 2%, at least 4 segments); free
 *                                segments hold no data, so keeping few free keeps utilisation of the
 *                                others — and write amplification — low
 * @param queueCapacity           submissions that may wait for the engine (power of two)
 * @param maxVolumes              volumes a pool may hold (sizes the checkpoint's volume table)
 * @param expectedReduction       data reduction (compression × dedup) the checkpoint slots are sized
 *                                for at format (default 2): a slot holds one map entry per 4 KiB of
 *                                raw space times this; when entries run out, writes of new blocks
 *                                get NO_SPACE even if bytes remain
 * @param dedupIndexBytes         heap for the dedup fingerprint index (default 64 MiB, ≈ 2.2 M
 *                                blocks); when full, new blocks are stored unshared
 * @param readThreads             threads doing reads' device I/O and checks while the engine thread
 *                                resolves addresses (default {@link #readThreadsDefault()}); 0 serves
 *                                reads on the engine thread itself; with io_uring ({@link #READ_IO_PROP_NAME})
 *                                any other number means one completion thread
 */
public record PoolConfig(int segmentSize, int maxBatchPayload, long checkpointIntervalBytes, double fillLimit,
                         double gcLowWater, double gcHighWater, int queueCapacity, int maxVolumes,
                         double expectedReduction, long dedupIndexBytes, int readThreads) {
    public static final int SEGMENT_SIZE_DEFAULT = 8 << 20;
    public static final int MAX_BATCH_PAYLOAD_DEFAULT = 1 << 20;
    public static final long CHECKPOINT_INTERVAL_DEFAULT = 256L << 20;
    public static final double FILL_LIMIT_DEFAULT = 0.85;
    public static final double GC_LOW_WATER_DEFAULT = 0.01;
    public static final double GC_HIGH_WATER_DEFAULT = 0.02;
    public static final int QUEUE_CAPACITY_DEFAULT = 4096;
    public static final int MAX_VOLUMES_DEFAULT = 256;
    public static final double EXPECTED_REDUCTION_DEFAULT = 2.0;
    public static final long DEDUP_INDEX_BYTES_DEFAULT = 64L << 20;
    /** Reader threads mostly wait for the device, so more than the cores keeps a fast device busy. */
    public static final int READ_THREADS_MIN = 4;
    public static final int READ_THREADS_MAX = 32;

    public PoolConfig {
        if (segmentSize % 4096 != 0 || segmentSize < 64 * 1024 || segmentSize > (1 << 28)) {
            throw new IllegalArgumentException("segment size must be a multiple of 4 KiB in [64 KiB, 256 MiB]");
        }
        maxBatchPayload = Math.max(4096, Math.min(maxBatchPayload, segmentSize / 4) & -4096);
        if (Integer.bitCount(queueCapacity) != 1) {
            throw new IllegalArgumentException("queue capacity must be a power of two");
        }
        if (!(expectedReduction >= 1 && expectedReduction <= 64)) {
            throw new IllegalArgumentException("expected data reduction must be in [1, 64]");
        }
        if (dedupIndexBytes < 4096) {
            throw new IllegalArgumentException("dedup index budget must be at least 4 KiB");
        }
        if (readThreads < 0 || readThreads > 256) {
            throw new IllegalArgumentException("read threads must be in [0, 256]: " + readThreads);
        }
    }

    /**
     * System property choosing how reads handed off the engine thread reach the device:
     * {@value #READ_IO_URING} (one io_uring, every run of every queued read in flight at once; the
     * default) or {@value #READ_IO_THREADS} ({@code readThreads} threads doing blocking reads). Where
     * io_uring cannot be set up (old kernel, a container's seccomp filter, {@code kernel.io_uring_disabled},
     * devices that are not files) the pool uses the threads and logs why at open.
     */
    public static final String READ_IO_PROP_NAME = "basalt.engine.io";
    public static final String READ_IO_URING = "uring";
    public static final String READ_IO_THREADS = "threads";
    public static final String READ_IO_DEFAULT = READ_IO_URING;

    /** {@value #READ_IO_PROP_NAME}, or {@link #READ_IO_DEFAULT}. */
    public static String readIo() {
        return System.getProperty(READ_IO_PROP_NAME, READ_IO_DEFAULT);
    }

    /**
     * System property, {@code false} by default: {@code true} lets reads of blocks stored as they are
     * land straight in the caller's aligned buffer, with no copy
     * ({@link io.basalt.block.BlockIo#BUFFER_ALIGNMENT}). It saves the copy, but the network buffers are
     * in small, physically scattered pages where the engine's arena is in huge pages, and on the
     * development VM's virtual disk 128 KiB reads at QD32 ran 20-35% slower in place
     * (docs/benchmarks.md). Worth measuring where the device is not virtual.
     */
    public static final String READ_IN_PLACE_PROP_NAME = "basalt.engine.readInPlace";

    /** {@value #READ_IN_PLACE_PROP_NAME} (default false); read when a pool opens. */
    public static boolean readInPlace() {
        return Boolean.getBoolean(READ_IN_PLACE_PROP_NAME);
    }

    /** System property that overrides {@link #readThreadsDefault()} (benchmarks, operators tuning a device). */
    public static final String READ_THREADS_PROP_NAME = "basalt.engine.readThreads";

    /**
     * {@value #READ_THREADS_PROP_NAME} if set, else four per core (measured: 8 on 2 cores read 3x
     * faster than 2 at QD32 from a virtio disk), at least {@value #READ_THREADS_MIN} and at most
     * {@value #READ_THREADS_MAX}.
     */
    public static int readThreadsDefault() {
        Integer set = Integer.getInteger(READ_THREADS_PROP_NAME);
        if (set != null) {
            return set;
        }
        return Math.clamp(4L * Runtime.getRuntime().availableProcessors(), READ_THREADS_MIN, READ_THREADS_MAX);
    }

    /** The tunables before data services, with their defaults for the rest. */
    public PoolConfig(int segmentSize, int maxBatchPayload, long checkpointIntervalBytes, double fillLimit,
                      double gcLowWater, double gcHighWater, int queueCapacity, int maxVolumes) {
        this(segmentSize, maxBatchPayload, checkpointIntervalBytes, fillLimit, gcLowWater, gcHighWater, queueCapacity,
                maxVolumes, EXPECTED_REDUCTION_DEFAULT, DEDUP_INDEX_BYTES_DEFAULT, readThreadsDefault());
    }

    public static PoolConfig defaults() {
        return new PoolConfig(SEGMENT_SIZE_DEFAULT, MAX_BATCH_PAYLOAD_DEFAULT, CHECKPOINT_INTERVAL_DEFAULT,
                FILL_LIMIT_DEFAULT, GC_LOW_WATER_DEFAULT, GC_HIGH_WATER_DEFAULT, QUEUE_CAPACITY_DEFAULT,
                MAX_VOLUMES_DEFAULT, EXPECTED_REDUCTION_DEFAULT, DEDUP_INDEX_BYTES_DEFAULT,
                readThreadsDefault());
    }

    public PoolConfig withSegmentSize(int bytes) {
        return new PoolConfig(bytes, maxBatchPayload, checkpointIntervalBytes, fillLimit, gcLowWater, gcHighWater,
                queueCapacity, maxVolumes, expectedReduction, dedupIndexBytes, readThreads);
    }

    public PoolConfig withCheckpointIntervalBytes(long bytes) {
        return new PoolConfig(segmentSize, maxBatchPayload, bytes, fillLimit, gcLowWater, gcHighWater,
                queueCapacity, maxVolumes, expectedReduction, dedupIndexBytes, readThreads);
    }

    public PoolConfig withFillLimit(double limit) {
        return new PoolConfig(segmentSize, maxBatchPayload, checkpointIntervalBytes, limit, gcLowWater, gcHighWater,
                queueCapacity, maxVolumes, expectedReduction, dedupIndexBytes, readThreads);
    }

    public PoolConfig withExpectedReduction(double ratio) {
        return new PoolConfig(segmentSize, maxBatchPayload, checkpointIntervalBytes, fillLimit, gcLowWater, gcHighWater,
                queueCapacity, maxVolumes, ratio, dedupIndexBytes, readThreads);
    }

    public PoolConfig withDedupIndexBytes(long bytes) {
        return new PoolConfig(segmentSize, maxBatchPayload, checkpointIntervalBytes, fillLimit, gcLowWater, gcHighWater,
                queueCapacity, maxVolumes, expectedReduction, bytes, readThreads);
    }

    public PoolConfig withReadThreads(int threads) {
        return new PoolConfig(segmentSize, maxBatchPayload, checkpointIntervalBytes, fillLimit, gcLowWater,
                gcHighWater, queueCapacity, maxVolumes, expectedReduction, dedupIndexBytes, threads);
    }
}
