package io.basalt.engine.pool;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.device.FaultyDevice;
import io.basalt.engine.device.FileDevice;
import io.basalt.engine.device.uring.RequireIoUring;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.basalt.engine.pool.ReadRace.stamped;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads of a pool on a real file through io_uring ({@link UringReader}), and the same races in both
 * modes. The pool logs which mode it uses; the tests tell it by the completing thread's name.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UringReaderTest {
    private static final PoolConfig CONFIG = PoolConfig.defaults().withSegmentSize(64 * 1024).withReadThreads(2);
    private static final String URING_THREAD = "-uring";

    @TempDir
    Path dir;
    private final String previous = System.getProperty(PoolConfig.READ_IO_PROP_NAME);
    private final String previousInPlace = System.getProperty(PoolConfig.READ_IN_PLACE_PROP_NAME);

    @BeforeEach
    void requireIoUring() {
        RequireIoUring.open(2).close();
    }

    @AfterEach
    void restoreMode() {
        restore(PoolConfig.READ_IO_PROP_NAME, previous);
        restore(PoolConfig.READ_IN_PLACE_PROP_NAME, previousInPlace);
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    /** As {@link #filePool}, with reads in place on ({@link PoolConfig#READ_IN_PLACE_PROP_NAME}; off by default). */
    private Pool inPlacePool(String mode, int size) throws Exception {
        System.setProperty(PoolConfig.READ_IN_PLACE_PROP_NAME, "true");
        return filePool(mode, size);
    }

    private Pool filePool(String mode, int size) throws Exception {
        System.setProperty(PoolConfig.READ_IO_PROP_NAME, mode);
        return Pool.create(List.of(FileDevice.open(dir.resolve("pool"), size, true)), CONFIG);
    }

    /** A volume of {@code blocks} stamped blocks written in random order, so each is its own device read. */
    private static EngineBlockStore scatteredVolume(Pool pool, int blocks, Random random) throws Exception {
        EngineBlockStore v = pool.createVolume("v", blocks * 4096L, 4096, false);
        List<Integer> order = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            order.add(b);
        }
        Collections.shuffle(order, random);
        for (int b : order) {
            assertThat(TestIo.write(b * 4096L, stamped(b, 1)).runOn(v)).isEqualTo(IoStatus.OK);
        }
        return v;
    }

    @Test
    void shouldReadScatteredBlocksOfManyQueuedReadsThroughTheRing() throws Exception {
        try (Pool pool = filePool(PoolConfig.READ_IO_URING, 16 << 20)) {
            int blocks = 1024;
            EngineBlockStore v = scatteredVolume(pool, blocks, new Random());
            boolean throughRing = false;
            for (int round = 0; round < 20 && !throughRing; round++) {
                List<TestIo> reads = new ArrayList<>();
                for (int r = 0; r < 32; r++) {
                    TestIo io = TestIo.read(r * 32 * 4096L, 32 * 4096);
                    v.submit(io);
                    reads.add(io);
                }
                for (int r = 0; r < 32; r++) {
                    TestIo io = reads.get(r);
                    assertThat(io.await()).isEqualTo(IoStatus.OK);
                    for (int k = 0; k < 32; k++) {
                        long lba = r * 32L + k;
                        assertThat(Arrays.copyOfRange(io.data(), k * 4096, (k + 1) * 4096)).as("block %d", lba)
                                .isEqualTo(stamped(lba, 1));
                    }
                    throughRing |= io.completedOn.getName().endsWith(URING_THREAD);
                }
            }
            assertThat(throughRing).as("some read completed by the io_uring thread").isTrue();
            assertThat(pool.stats().checksumErrors()).isZero();
        }
    }

    @Test
    void shouldMeasureWhatSubmittingAReadCostsAndReportItInTheStats() throws Exception {
        try (Pool pool = filePool(PoolConfig.READ_IO_URING, 4 << 20)) {
            EngineBlockStore v = pool.createVolume("v", 64 * 4096L, 4096, false);
            for (int b = 0; b < 64; b++) {
                assertThat(TestIo.write(b * 4096L, stamped(b, 1)).runOn(v)).isEqualTo(IoStatus.OK);
            }
            assertThat(pool.stats().readSubmitNanos()).as("before any read").isZero();
            for (int round = 0; round < 20 && pool.stats().readSubmitNanos() == 0; round++) {
                // Queued together, so the engine hands them off; the first finds the device idle and
                // is submitted alone: a small submit, timed.
                List<TestIo> reads = new ArrayList<>();
                for (int b = 0; b < 64; b++) {
                    TestIo io = TestIo.read(b * 4096L, 4096);
                    v.submit(io);
                    reads.add(io);
                }
                for (int b = 0; b < 64; b++) {
                    assertThat(reads.get(b).await()).isEqualTo(IoStatus.OK);
                    assertThat(reads.get(b).data()).isEqualTo(stamped(b, 1));
                }
            }
            assertThat(pool.stats().readSubmitNanos()).as("a submit's cost, ns").isBetween(1L, 1_000_000_000L);
        }
    }

    @Test
    void shouldReadEveryBlockWhenMoreReadsAreQueuedThanTheRingAndItsSlotsHold() throws Exception {
        try (Pool pool = filePool(PoolConfig.READ_IO_URING, 32 << 20)) {
            int blocks = 2048;
            EngineBlockStore v = scatteredVolume(pool, blocks, new Random(16));
            // 64 scattered 128 KiB reads are 2048 device reads (the ring holds 1024), then more single
            // blocks than the ring has request slots: whatever a turn drains, some find the ring full
            // mid-turn and are served by the engine while the entries queued before them are in flight.
            int wide = 64;
            int narrow = UringReader.SLOTS + 64;
            Random random = new Random(7);
            for (int round = 0; round < 3; round++) {
                List<TestIo> reads = new ArrayList<>();
                long[] firstLba = new long[wide + narrow];
                for (int r = 0; r < wide + narrow; r++) {
                    firstLba[r] = r < wide ? r * 32L : random.nextInt(blocks);
                    TestIo io = r < wide ? TestIo.read(firstLba[r] * 4096, 32 * 4096)
                            : TestIo.read(firstLba[r] * 4096, 4096);
                    v.submit(io);
                    reads.add(io);
                }
                for (int r = 0; r < reads.size(); r++) {
                    TestIo io = reads.get(r);
                    assertThat(io.await()).as("read %d", r).isEqualTo(IoStatus.OK);
                    for (int k = 0; k < io.length() / 4096; k++) {
                        long lba = firstLba[r] + k;
                        assertThat(Arrays.copyOfRange(io.data(), k * 4096, (k + 1) * 4096)).as("block %d", lba)
                                .isEqualTo(stamped(lba, 1));
                    }
                }
            }
            assertThat(pool.stats().checksumErrors()).isZero();
        }
    }

    @Test
    void shouldReturnAReadErrorWhenTheDeviceReturnsLessThanAsked() throws Exception {
        Path file = dir.resolve("pool");
        try (Pool pool = filePool(PoolConfig.READ_IO_URING, 4 << 20)) {
            EngineBlockStore v = pool.createVolume("v", 64 * 4096L, 4096, false);
            for (int b = 0; b < 64; b++) {
                assertThat(TestIo.write(b * 4096L, stamped(b, 1)).runOn(v)).isEqualTo(IoStatus.OK);
            }
            // Cut the file under the pool: every data read now ends at end of file, short.
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(4096);
            }
            boolean throughRing = false;
            for (int round = 0; round < 20 && !throughRing; round++) {
                List<TestIo> reads = new ArrayList<>();
                for (int b = 0; b < 64; b++) {
                    TestIo io = TestIo.read(b * 4096L, 4096);
                    v.submit(io);
                    reads.add(io);
                }
                for (TestIo io : reads) {
                    assertThat(io.await()).isEqualTo(IoStatus.READ_ERROR);
                    throughRing |= io.completedOn.getName().endsWith(URING_THREAD);
                }
            }
            assertThat(throughRing).as("some read completed by the io_uring thread").isTrue();
        }
    }

    @Test
    void shouldFallBackToReaderThreadsForDevicesThatAreNotFiles() throws Exception {
        System.setProperty(PoolConfig.READ_IO_PROP_NAME, PoolConfig.READ_IO_URING);
        try (Pool pool = Pool.create(List.of(new FaultyDevice("d", 4 << 20)), CONFIG)) {
            EngineBlockStore v = pool.createVolume("v", 64 * 4096L, 4096, false);
            assertThat(TestIo.write(0, stamped(0, 1)).runOn(v)).isEqualTo(IoStatus.OK);
            List<TestIo> reads = new ArrayList<>();
            for (int r = 0; r < 64; r++) {
                TestIo io = TestIo.read(0, 4096);
                v.submit(io);
                reads.add(io);
            }
            for (TestIo io : reads) {
                assertThat(io.await()).isEqualTo(IoStatus.OK);
                assertThat(io.data()).isEqualTo(stamped(0, 1));
                assertThat(io.completedOn.getName()).doesNotEndWith(URING_THREAD);
            }
            assertThat(pool.stats().readSubmitNanos()).as("reader threads submit nothing").isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {PoolConfig.READ_IO_URING, PoolConfig.READ_IO_THREADS})
    void shouldReturnOnlyTheBlocksAskedForWhileCleaningRaces(String mode) throws Exception {
        try (Pool pool = filePool(mode, 4 << 20)) {
            ReadRace.readWhileWritingAndCleaning(pool);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {PoolConfig.READ_IO_URING, PoolConfig.READ_IO_THREADS})
    void shouldReturnOnlyTheBlocksAskedForWhileCleaningRacesReadsInPlace(String mode) throws Exception {
        try (Pool pool = inPlacePool(mode, 4 << 20)) {
            ReadRace.readWhileWritingAndCleaning(pool, true);
        }
    }

    /**
     * Random writes (stamped blocks, so compressed payloads share pages), trims and cleaning on a pool
     * of two files, reopened halfway, against a model: queued reads of 1 to 64 blocks mix mapped and
     * unmapped blocks and blocks on both devices, and must return exactly the model's bytes.
     */
    @ParameterizedTest
    @ValueSource(strings = {PoolConfig.READ_IO_URING, PoolConfig.READ_IO_THREADS})
    void shouldReadWhatAModelSaysFromAPoolOfTwoFiles(String mode) throws Exception {
        System.setProperty(PoolConfig.READ_IO_PROP_NAME, mode);
        int blocks = 512;
        byte[] model = new byte[blocks * 4096];
        Random random = new Random(16);
        boolean throughRing = false;
        for (int life = 0; life < 2; life++) {
            List<BlockDevice> devices = List.of(FileDevice.open(dir.resolve("a"), 4 << 20, true),
                    FileDevice.open(dir.resolve("b"), 4 << 20, true));
            try (Pool pool = life == 0 ? Pool.create(devices, CONFIG) : Pool.open(devices, CONFIG)) {
                EngineBlockStore v = life == 0 ? pool.createVolume("v", blocks * 4096L, 4096, false)
                        : pool.volume("v");
                for (int round = 0; round < 30; round++) {
                    for (int w = 0; w < 24; w++) {
                        int at = random.nextInt(blocks);
                        int count = 1 + random.nextInt(Math.min(8, blocks - at));
                        if (random.nextInt(6) == 0) {
                            assertThat(TestIo.deallocate(at * 4096L, count * 4096L).runOn(v)).isEqualTo(IoStatus.OK);
                            Arrays.fill(model, at * 4096, (at + count) * 4096, (byte) 0);
                            continue;
                        }
                        byte[] data = new byte[count * 4096];
                        for (int k = 0; k < count; k++) {
                            System.arraycopy(stamped(at + k, round * 100L + w), 0, data, k * 4096, 4096);
                        }
                        assertThat(TestIo.write(at * 4096L, data).runOn(v)).isEqualTo(IoStatus.OK);
                        System.arraycopy(data, 0, model, at * 4096, data.length);
                    }
                    if (round % 10 == 9) {
                        pool.checkpoint();
                        pool.clean(4);
                    }
                    List<TestIo> reads = new ArrayList<>();
                    for (int r = 0; r < 16; r++) {
                        int at = random.nextInt(blocks);
                        int count = 1 + random.nextInt(Math.min(64, blocks - at));
                        TestIo io = TestIo.read(at * 4096L, count * 4096);
                        v.submit(io);
                        reads.add(io);
                    }
                    for (TestIo io : reads) {
                        assertThat(io.await()).isEqualTo(IoStatus.OK);
                        int from = (int) io.offset();
                        assertThat(io.data()).as("read at block %d of %d blocks", from / 4096, io.length() / 4096)
                                .isEqualTo(Arrays.copyOfRange(model, from, from + io.length()));
                        throughRing |= io.completedOn.getName().endsWith(URING_THREAD);
                    }
                }
                assertThat(pool.stats().checksumErrors()).isZero();
            }
        }
        assertThat(throughRing).as("reads completed by the io_uring thread").isEqualTo(mode.equals(PoolConfig.READ_IO_URING));
    }

    private static final byte MARKER = 0x5A;

    /** {@code blocks} blocks of random bytes (they do not compress), written in runs of 1 to 8 blocks in random order; every fifth block left unmapped. */
    private static byte[] randomVolume(EngineBlockStore v, int blocks, Random random) {
        byte[] model = new byte[blocks * 4096];
        List<int[]> runs = new ArrayList<>();
        for (int b = 0; b < blocks; ) {
            int n = Math.min(1 + random.nextInt(8), blocks - b);
            runs.add(new int[]{b, n});
            b += n;
        }
        Collections.shuffle(runs, random);
        for (int[] run : runs) {
            byte[] data = new byte[run[1] * 4096];
            random.nextBytes(data);
            for (int k = 0; k < run[1]; k++) {
                if ((run[0] + k) % 5 == 4) {
                    Arrays.fill(data, k * 4096, (k + 1) * 4096, (byte) 0);
                }
            }
            assertThat(TestIo.write(run[0] * 4096L, data).runOn(v)).isEqualTo(IoStatus.OK);
            for (int k = 0; k < run[1]; k++) {
                if ((run[0] + k) % 5 == 4) {
                    assertThat(TestIo.deallocate((run[0] + k) * 4096L, 4096).runOn(v)).isEqualTo(IoStatus.OK);
                }
            }
            System.arraycopy(data, 0, model, run[0] * 4096, data.length);
        }
        return model;
    }

    /**
     * A pooled direct buffer like the target's read buffers: its writer index at {@link BlockIo#BUFFER_ALIGNMENT}
     * in memory, then {@code skew} bytes on; the bytes before it hold {@link #MARKER}.
     */
    static ByteBuf hostBuffer(int length, int skew) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(length + 2 * BlockIo.BUFFER_ALIGNMENT);
        int at = (int) (-b.memoryAddress() & (BlockIo.BUFFER_ALIGNMENT - 1)) + skew;
        for (int i = 0; i < at; i++) {
            b.writeByte(MARKER);
        }
        return b;
    }

    /** Checks a completed read into a {@link #hostBuffer}: the model's bytes, nothing before them touched; frees it. */
    private static void assertReadAndRelease(TestIo io, byte[] model) {
        try {
            assertThat(io.await()).as("read at %d", io.offset()).isEqualTo(IoStatus.OK);
            int from = (int) io.offset();
            assertThat(io.data()).as("read at block %d of %d blocks", from / 4096, io.length() / 4096)
                    .isEqualTo(Arrays.copyOfRange(model, from, from + io.length()));
            for (int i = 0; i < io.buffer().readerIndex(); i++) {
                assertThat(io.buffer().getByte(i)).as("byte %d before the data", i).isEqualTo(MARKER);
            }
        } finally {
            io.buffer().release();
        }
    }

    /** Submits 32 reads of 1 to {@code maxBlocks} blocks at random into {@link #hostBuffer}s; returns them. */
    private static List<TestIo> queueAlignedReads(EngineBlockStore v, int blocks, int maxBlocks, Random random) {
        List<TestIo> reads = new ArrayList<>();
        for (int r = 0; r < 32; r++) {
            int at = random.nextInt(blocks);
            int count = 1 + random.nextInt(Math.min(maxBlocks, blocks - at));
            TestIo io = TestIo.readInto(at * 4096L, count * 4096, hostBuffer(count * 4096, 0));
            v.submit(io);
            reads.add(io);
        }
        return reads;
    }

    @ParameterizedTest
    @ValueSource(strings = {PoolConfig.READ_IO_URING, PoolConfig.READ_IO_THREADS})
    void shouldReadBlocksStoredAsTheyAreStraightIntoAlignedHostBuffers(String mode) throws Exception {
        try (Pool pool = inPlacePool(mode, 16 << 20)) {
            int blocks = 512;
            EngineBlockStore v = pool.createVolume("v", blocks * 4096L, 4096, false);
            Random random = new Random(11);
            byte[] model = randomVolume(v, blocks, random);
            for (int round = 0; round < 20 && pool.stats().readsInPlace() == 0; round++) {
                for (TestIo io : queueAlignedReads(v, blocks, 32, random)) {
                    assertReadAndRelease(io, model);
                }
            }
            assertThat(pool.stats().readsInPlace()).as("reads the device wrote into the host's buffer").isPositive();
            assertThat(pool.stats().checksumErrors()).isZero();
        }
    }

    @Test
    void shouldCopyIntoAlignedHostBuffersTooWhenReadsInPlaceAreOff() throws Exception {
        System.clearProperty(PoolConfig.READ_IN_PLACE_PROP_NAME);
        try (Pool pool = filePool(PoolConfig.READ_IO_URING, 16 << 20)) {
            int blocks = 256;
            EngineBlockStore v = pool.createVolume("v", blocks * 4096L, 4096, false);
            Random random = new Random(14);
            byte[] model = randomVolume(v, blocks, random);
            boolean throughRing = false;
            for (int round = 0; round < 20 && !throughRing; round++) {
                for (TestIo io : queueAlignedReads(v, blocks, 16, random)) {
                    assertReadAndRelease(io, model);
                    throughRing |= io.completedOn.getName().endsWith(URING_THREAD);
                }
            }
            assertThat(throughRing).as("some read completed by the io_uring thread").isTrue();
            assertThat(pool.stats().readsInPlace()).as("reads in place while they are off").isZero();
        }
    }

    @Test
    void shouldCopyThroughTheArenaWhatCannotLandInPlace() throws Exception {
        try (Pool pool = inPlacePool(PoolConfig.READ_IO_URING, 16 << 20)) {
            int blocks = 256;
            Random random = new Random(12);
            EngineBlockStore compressed = scatteredVolume(pool, blocks, random);
            byte[] stampedModel = new byte[blocks * 4096];
            for (int b = 0; b < blocks; b++) {
                System.arraycopy(stamped(b, 1), 0, stampedModel, b * 4096, 4096);
            }
            EngineBlockStore incompressible = pool.createVolume("r", blocks * 4096L, 4096, false);
            byte[] model = randomVolume(incompressible, blocks, random);
            boolean throughRing = false;
            for (int round = 0; round < 20 && !throughRing; round++) {
                List<TestIo> reads = new ArrayList<>();
                for (int r = 0; r < 30; r++) {
                    int at = random.nextInt(blocks);
                    int count = 1 + random.nextInt(Math.min(16, blocks - at));
                    // Compressed blocks into an aligned buffer; blocks stored as they are into a buffer
                    // off alignment, and into a heap buffer.
                    TestIo io = switch (r % 3) {
                        case 0 -> TestIo.readInto(at * 4096L, count * 4096, hostBuffer(count * 4096, 0));
                        case 1 -> TestIo.readInto(at * 4096L, count * 4096, hostBuffer(count * 4096, 512));
                        default -> TestIo.readInto(at * 4096L, count * 4096, PooledByteBufAllocator.DEFAULT
                                .heapBuffer(count * 4096));
                    };
                    (r % 3 == 0 ? compressed : incompressible).submit(io);
                    reads.add(io);
                }
                for (int r = 0; r < reads.size(); r++) {
                    TestIo io = reads.get(r);
                    assertReadAndRelease(io, r % 3 == 0 ? stampedModel : model);
                    throughRing |= io.completedOn.getName().endsWith(URING_THREAD);
                }
            }
            assertThat(throughRing).as("some read completed by the io_uring thread").isTrue();
            assertThat(pool.stats().readsInPlace()).isZero();
            assertThat(pool.stats().checksumErrors()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {PoolConfig.READ_IO_URING, PoolConfig.READ_IO_THREADS})
    void shouldFailAReadInPlaceWhoseBlockFailsItsChecksumAndServeTheOthers(String mode) throws Exception {
        Path file = dir.resolve("pool");
        try (Pool pool = inPlacePool(mode, 4 << 20)) {
            int blocks = 64;
            EngineBlockStore v = pool.createVolume("v", blocks * 4096L, 4096, false);
            byte[] model = randomVolume(v, blocks, new Random(13));
            int bad = 1;
            long at = alignedCopyOf(file, Arrays.copyOfRange(model, bad * 4096, (bad + 1) * 4096));
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.seek(at + 100);
                int b = f.read();
                f.seek(at + 100);
                f.write(b ^ 0xFF);
            }
            boolean badOnReader = false;
            String reader = mode.equals(PoolConfig.READ_IO_URING) ? URING_THREAD : "basalt-read-";
            for (int round = 0; round < 20 && !badOnReader; round++) {
                List<TestIo> reads = new ArrayList<>();
                for (int lba = 0; lba < blocks; lba++) {
                    TestIo io = TestIo.readInto(lba * 4096L, 4096, hostBuffer(4096, 0));
                    v.submit(io);
                    reads.add(io);
                }
                TestIo badRead = reads.get(bad);
                try {
                    assertThat(badRead.await()).isEqualTo(IoStatus.READ_ERROR);
                    badOnReader = badRead.completedOn.getName().contains(reader);
                } finally {
                    badRead.buffer().release();
                }
                for (int lba = 0; lba < blocks; lba++) {
                    if (lba != bad) {
                        assertReadAndRelease(reads.get(lba), model);
                    }
                }
            }
            assertThat(badOnReader).as("the corrupt block's read failed on a reader's thread").isTrue();
            assertThat(pool.stats().readsInPlace()).isPositive();
            assertThat(pool.stats().checksumErrors()).isPositive();
        }
    }

    /** Where in {@code file} a 4 KiB-aligned copy of {@code block} lies (a stored payload as it is). */
    private static long alignedCopyOf(Path file, byte[] block) throws Exception {
        byte[] all = Files.readAllBytes(file);
        for (int at = 0; at + block.length <= all.length; at += 4096) {
            if (Arrays.equals(all, at, at + block.length, block, 0, block.length)) {
                return at;
            }
        }
        throw new AssertionError("the block is not stored as it is at an aligned offset");
    }
}
