package io.basalt.engine.pool;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.device.FaultyDevice;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoolTest {
    static final PoolConfig SMALL = PoolConfig.defaults().withSegmentSize(64 * 1024);

    private final List<FaultyDevice> devices = new ArrayList<>();

    private List<BlockDevice> devices(int n, int size) {
        if (devices.isEmpty()) {
            for (int i = 0; i < n; i++) {
                devices.add(new FaultyDevice("d" + i, size));
            }
        }
        return new ArrayList<>(devices);
    }

    static byte[] block(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void shouldFormatTheSmallestDeviceItAdvertisesAndRefuseOneBlockLess() throws IOException {
        int minimum = (int) Pool.minimumDeviceBytes(SMALL);
        try (Pool pool = Pool.create(List.of(new FaultyDevice("min", minimum)), SMALL)) {
            assertThat(pool.stats().segments()).isEqualTo(Pool.MIN_SEGMENTS);
        }
        assertThatThrownBy(() -> Pool.create(List.of(new FaultyDevice("less", minimum - 4096)), SMALL))
                .isInstanceOf(IOException.class).hasMessageContaining("devices too small");
        assertThat(Pool.minimumDeviceBytes(PoolConfig.defaults()))
                .as("default 8 MiB segments").isBetween(16L * (8 << 20), 24L * (8 << 20));
    }

    @Test
    void shouldReadZerosFromUnwrittenBlocksAndBackWhatWasWritten() throws IOException {
        try (Pool pool = Pool.create(devices(1, 8 << 20), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, false);
            assertThat(TestIo.write(8192, block(8192, 1)).runOn(v)).isEqualTo(IoStatus.OK);
            TestIo r = TestIo.read(0, 16384);
            assertThat(r.runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(java.util.Arrays.copyOfRange(r.data(), 0, 8192)).containsOnly(0);
            assertThat(java.util.Arrays.copyOfRange(r.data(), 8192, 16384)).isEqualTo(block(8192, 1));
            assertThat(v.allocatedBytes()).isEqualTo(8192);
        }
    }

    @Test
    void shouldCountHostBytesAsSentSoCompressionLowersWriteAmplification() throws IOException {
        try (Pool pool = Pool.create(devices(1, 8 << 20), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, false,
                    new VolumeOptions(io.basalt.engine.services.CompressionAlgorithm.LZ4, false, false));
            byte[] text = "a block of text that compresses well, ".repeat(1024).substring(0, 32768).getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(TestIo.write(0, text).runOn(v)).isEqualTo(IoStatus.OK);
            PoolStats s = pool.stats();
            assertThat(s.hostBytesWritten()).isEqualTo(32768);
            assertThat(s.liveBytes()).isLessThan(32768 / 4);
            assertThat(s.writeAmplification()).isLessThan(1);
        }
    }

    @Test
    void shouldKeepDataAndVolumesAcrossCleanReopenOnTwoDevicesInAnyOrder() throws IOException {
        try (Pool pool = Pool.create(devices(2, 8 << 20), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, 512, false);
            assertThat(TestIo.write(512, block(1024, 2)).runOn(v)).isEqualTo(IoStatus.OK);
        }
        List<BlockDevice> reversed = devices(2, 0);
        java.util.Collections.reverse(reversed);
        try (Pool pool = Pool.open(reversed, SMALL)) {
            EngineBlockStore v = pool.volume("v");
            assertThat(v.blockSize()).isEqualTo(512);
            TestIo r = TestIo.read(512, 1024);
            assertThat(r.runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(r.data()).isEqualTo(block(1024, 2));
        }
    }

    @Test
    void shouldKeepAcknowledgedWritesAcrossAPowerCut() throws IOException {
        Pool pool = Pool.create(devices(2, 8 << 20), SMALL);
        EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, false);
        for (int i = 0; i < 100; i++) {
            assertThat(TestIo.write((i % 50) * 4096L, block(4096, i)).runOn(v)).isEqualTo(IoStatus.OK);
        }
        cut(pool, true);
        try (Pool reopened = Pool.open(devices(2, 0), SMALL)) {
            EngineBlockStore w = reopened.volume("v");
            for (int i = 50; i < 100; i++) {
                TestIo r = TestIo.read((i % 50) * 4096L, 4096);
                assertThat(r.runOn(w)).isEqualTo(IoStatus.OK);
                assertThat(r.data()).isEqualTo(block(4096, i));
            }
        }
    }

    @Test
    void shouldLoseOnlyUnflushedWritesWithAVolatileWriteCache() throws IOException {
        Pool pool = Pool.create(devices(1, 8 << 20), SMALL);
        EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, true);
        assertThat(TestIo.write(0, block(4096, 1)).runOn(v)).isEqualTo(IoStatus.OK);
        assertThat(TestIo.flush().runOn(v)).isEqualTo(IoStatus.OK);
        assertThat(TestIo.write(0, block(4096, 2)).runOn(v)).isEqualTo(IoStatus.OK);
        assertThat(TestIo.writeFua(4096, block(4096, 3)).runOn(v)).isEqualTo(IoStatus.OK);
        assertThat(TestIo.write(8192, block(4096, 4)).runOn(v)).isEqualTo(IoStatus.OK);
        assertThat(devices.get(0).unsyncedWrites()).isPositive();
        pool.halt();
        devices.get(0).powerCut(new Random(1), false);
        devices.get(0).powerOn();
        // Dropping every unsynced write: the FUA write (and all before it) stays, the last one goes.
        try (Pool reopened = Pool.open(devices(1, 0), SMALL)) {
            EngineBlockStore w = reopened.volume("v");
            assertThat(read(w, 0, 4096)).isEqualTo(block(4096, 2));
            assertThat(read(w, 4096, 4096)).isEqualTo(block(4096, 3));
        }
    }

    @Test
    void shouldFreeSpaceOnDeallocateAndWriteZeroes() throws IOException {
        try (Pool pool = Pool.create(devices(1, 8 << 20), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, false);
            assertThat(TestIo.write(0, block(65536, 5)).runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(TestIo.deallocate(0, 8192, 16384, 4096).runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(TestIo.writeZeroes(32768, 8192).runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(v.allocatedBytes()).isEqualTo(65536 - 8192 - 4096 - 8192);
            assertThat(read(v, 0, 8192)).containsOnly(0);
            assertThat(read(v, 32768, 8192)).containsOnly(0);
            assertThat(pool.stats().liveBytes()).isEqualTo(65536 - 8192 - 4096 - 8192);
        }
    }

    @Test
    void shouldReturnReadErrorAndCountItWhenABlockIsCorrupted() throws IOException {
        try (Pool pool = Pool.create(devices(1, 8 << 20), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, false);
            byte[] data = block(4096, 9);
            assertThat(TestIo.write(0, data).runOn(v)).isEqualTo(IoStatus.OK);
            long at = find(devices.get(0), data);
            devices.get(0).corrupt(at + 100);
            assertThat(TestIo.read(0, 4096).runOn(v)).isEqualTo(IoStatus.READ_ERROR);
            assertThat(pool.stats().checksumErrors()).isEqualTo(1);
        }
    }

    @Test
    void shouldReturnNoSpaceWhenFullWhileReadsAndTrimsKeepWorking() throws IOException {
        try (Pool pool = Pool.create(devices(1, 4 << 20), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 64 << 20, 4096, false);
            int status = IoStatus.OK;
            long written = 0;
            while (status == IoStatus.OK) {
                status = TestIo.write(written, block(65536, written)).runOn(v);
                written += status == IoStatus.OK ? 65536 : 0;
            }
            assertThat(status).isEqualTo(IoStatus.NO_SPACE);
            assertThat(written).isPositive();
            // Overwrites of mapped blocks still work: cleaning makes room for them.
            for (int i = 0; i < 3; i++) {
                assertThat(TestIo.write(0, block(65536, 100 + i)).runOn(v)).isEqualTo(IoStatus.OK);
            }
            assertThat(read(v, 65536, 65536)).isEqualTo(block(65536, 65536));
            assertThat(TestIo.deallocate(0, written).runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(TestIo.write(0, block(65536, 7)).runOn(v)).isEqualTo(IoStatus.OK);
        }
    }

    @Test
    void shouldFailWritesWithNoSpaceWhenTheDeviceIsFullAndKeepOldData() throws IOException {
        try (Pool pool = Pool.create(devices(1, 8 << 20), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, false);
            assertThat(TestIo.write(0, block(4096, 1)).runOn(v)).isEqualTo(IoStatus.OK);
            devices.get(0).full = true;
            assertThat(TestIo.write(0, block(4096, 2)).runOn(v)).isEqualTo(IoStatus.NO_SPACE);
            assertThat(read(v, 0, 4096)).isEqualTo(block(4096, 1));
            devices.get(0).full = false;
            assertThat(TestIo.write(0, block(4096, 3)).runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(read(v, 0, 4096)).isEqualTo(block(4096, 3));
        }
        try (Pool pool = Pool.open(devices(1, 0), SMALL)) {
            assertThat(read(pool.volume("v"), 0, 4096)).isEqualTo(block(4096, 3));
        }
    }

    @Test
    void shouldReportWriteAndReadErrorsFromTheDevice() throws IOException {
        try (Pool pool = Pool.create(devices(1, 8 << 20), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, false);
            assertThat(TestIo.write(0, block(4096, 1)).runOn(v)).isEqualTo(IoStatus.OK);
            devices.get(0).failWrites = true;
            assertThat(TestIo.write(4096, block(4096, 2)).runOn(v)).isEqualTo(IoStatus.WRITE_ERROR);
            devices.get(0).failWrites = false;
            devices.get(0).failReadsFrom = 0;
            devices.get(0).failReadsTo = Long.MAX_VALUE;
            assertThat(TestIo.read(0, 4096).runOn(v)).isEqualTo(IoStatus.READ_ERROR);
            devices.get(0).failReadsFrom = -1;
            devices.get(0).failReadsTo = -1;
            assertThat(read(v, 0, 4096)).isEqualTo(block(4096, 1));
        }
    }

    @Test
    void shouldCreateResizeAndDeleteVolumesDurably() throws IOException {
        try (Pool pool = Pool.create(devices(1, 8 << 20), SMALL)) {
            EngineBlockStore a = pool.createVolume("a", 1 << 20, 4096, false);
            pool.createVolume("b", 1 << 20, 4096, false);
            assertThatThrownBy(() -> pool.createVolume("a", 4096, 4096, false)).isInstanceOf(IllegalArgumentException.class);
            assertThat(TestIo.write((1 << 20) - 4096, block(4096, 1)).runOn(a)).isEqualTo(IoStatus.OK);
            pool.resizeVolume("a", 512 * 1024);
            assertThat(a.allocatedBytes()).isZero();
            pool.resizeVolume("a", 2 << 20);
            assertThat(read(a, (1 << 20) - 4096, 4096)).containsOnly(0);
            pool.deleteVolume("b");
            pool.halt();
        }
        try (Pool pool = Pool.open(devices(1, 0), SMALL)) {
            assertThat(pool.volumes()).extracting(EngineBlockStore::name).containsExactly("a");
            assertThat(pool.volume("a").capacityBytes()).isEqualTo(2 << 20);
        }
    }

    @Test
    void shouldCleanOverwrittenSegmentsAndKeepData() throws IOException {
        try (Pool pool = Pool.create(devices(1, 4 << 20), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 512 * 1024, 4096, false);
            Random random = new Random(3);
            byte[][] model = new byte[128][];
            for (int i = 0; i < 3000; i++) {
                int b = random.nextInt(128);
                model[b] = block(4096, i);
                assertThat(TestIo.write(b * 4096L, model[b]).runOn(v)).isEqualTo(IoStatus.OK);
            }
            PoolStats stats = pool.stats();
            assertThat(stats.segmentsCleaned()).isPositive();
            for (int b = 0; b < 128; b++) {
                assertThat(read(v, b * 4096L, 4096)).isEqualTo(model[b] == null ? new byte[4096] : model[b]);
            }
        }
    }

    static byte[] read(EngineBlockStore v, long offset, int length) {
        TestIo r = TestIo.read(offset, length);
        assertThat(r.runOn(v)).isEqualTo(IoStatus.OK);
        return r.data();
    }

    private void cut(Pool pool, boolean tear) {
        pool.halt();
        Random random = new Random(7);
        for (FaultyDevice d : devices) {
            d.powerCut(random, tear);
            d.powerOn();
        }
    }

    private static long find(FaultyDevice d, byte[] data) throws IOException {
        java.nio.ByteBuffer all = java.nio.ByteBuffer.allocate((int) d.size());
        d.read(0, all);
        byte[] bytes = all.array();
        outer:
        for (int i = 0; i + data.length <= bytes.length; i += 16) {
            for (int k = 0; k < 64; k++) {
                if (bytes[i + k] != data[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("payload not found on the device");
    }
}
