package io.basalt.engine.pool;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.device.FaultyDevice;
import io.basalt.engine.device.FileDevice;
import io.basalt.engine.device.uring.RequireIoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

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

    @BeforeEach
    void requireIoUring() {
        RequireIoUring.open(2).close();
    }

    @AfterEach
    void restoreMode() {
        if (previous == null) {
            System.clearProperty(PoolConfig.READ_IO_PROP_NAME);
        } else {
            System.setProperty(PoolConfig.READ_IO_PROP_NAME, previous);
        }
    }

    private Pool filePool(String mode, int size) throws Exception {
        System.setProperty(PoolConfig.READ_IO_PROP_NAME, mode);
        return Pool.create(List.of(FileDevice.open(dir.resolve("pool"), size, true)), CONFIG);
    }

    @Test
    void shouldReadScatteredBlocksOfManyQueuedReadsThroughTheRing() throws Exception {
        try (Pool pool = filePool(PoolConfig.READ_IO_URING, 16 << 20)) {
            int blocks = 1024;
            EngineBlockStore v = pool.createVolume("v", blocks * 4096L, 4096, false);
            List<Integer> order = new ArrayList<>();
            for (int b = 0; b < blocks; b++) {
                order.add(b);
            }
            // Written in random order, so each block of an LBA range is its own device read.
            Collections.shuffle(order);
            for (int b : order) {
                assertThat(TestIo.write(b * 4096L, stamped(b, 1)).runOn(v)).isEqualTo(IoStatus.OK);
            }
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
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {PoolConfig.READ_IO_URING, PoolConfig.READ_IO_THREADS})
    void shouldReturnOnlyTheBlocksAskedForWhileCleaningRaces(String mode) throws Exception {
        try (Pool pool = filePool(mode, 4 << 20)) {
            ReadRace.readWhileWritingAndCleaning(pool);
        }
    }
}
