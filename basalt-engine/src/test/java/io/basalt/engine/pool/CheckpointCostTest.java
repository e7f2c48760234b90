package io.basalt.engine.pool;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.checkpoint.Checkpoints;
import io.basalt.engine.device.FaultyDevice;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Checkpoints write the whole map, so with a large map they must come less often, not cost more than the data. */
class CheckpointCostTest {
    @Test
    void shouldKeepCheckpointWritesToAnEighthOfTheLogWhenTheMapIsLarge() throws IOException {
        FaultyDevice device = new FaultyDevice("d", 64 << 20);
        // A 256 KiB interval, and 512-byte blocks: 20 map bytes per 512 bytes of data, so a checkpoint
        // of an 8 MiB volume (~330 KiB) is larger than the interval.
        PoolConfig config = PoolTest.SMALL.withCheckpointIntervalBytes(256 << 10);
        try (Pool pool = Pool.create(List.of(device), config)) {
            EngineBlockStore v = pool.createVolume("v", 8 << 20, 512, false);
            byte[] data = PoolTest.block(64 << 10, 1);
            for (long off = 0; off < v.capacityBytes(); off += data.length) {
                assertThat(TestIo.write(off, data).runOn(v)).isEqualTo(IoStatus.OK);
            }
            PoolStats before = pool.stats();
            long deviceBefore = device.bytesWritten;
            Random random = new Random(2);
            byte[] block = PoolTest.block(4096, 3);
            List<TestIo> ios = new ArrayList<>();
            for (int i = 0; i < 1024; i++) {
                ios.clear();
                for (int k = 0; k < 4; k++) {
                    TestIo io = TestIo.write(random.nextInt((int) (v.capacityBytes() / 4096)) * 4096L, block);
                    v.submit(io);
                    ios.add(io);
                }
                for (TestIo io : ios) {
                    assertThat(io.await()).isEqualTo(IoStatus.OK);
                }
            }
            PoolStats after = pool.stats();
            long log = after.deviceBytesWritten() - before.deviceBytesWritten();
            long checkpointBytes = device.bytesWritten - deviceBefore - log;
            long checkpoints = after.checkpoints() - before.checkpoints();
            long body = 20L * (v.capacityBytes() / 512);
            assertThat(log).as("log bytes").isGreaterThan(4L << 20);
            // A fixed 256 KiB interval would take ~20 checkpoints here, writing twice the log.
            assertThat(checkpoints).as("checkpoints").isBetween(1L, log / (Checkpoints.LOG_PER_CHECKPOINT_BYTE * body) + 1);
            assertThat(checkpointBytes).as("checkpoint bytes").isLessThanOrEqualTo(log / Checkpoints.LOG_PER_CHECKPOINT_BYTE + 2 * body);
        }
    }
}
