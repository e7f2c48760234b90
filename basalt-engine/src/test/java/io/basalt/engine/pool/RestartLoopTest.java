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

/**
 * Restarts in a loop, faster than anything could be cleaned: each restart must cost no free
 * segments (the streams go on at their tails), or a small pool soon cannot open its log at all.
 */
class RestartLoopTest {
    private static final int RESTARTS = 30;
    /** As in PoolPropertyTest: two 1 MiB devices of 64 KiB segments (≈ 28) and small checkpoint slots. */
    private static final PoolConfig CONFIG = new PoolConfig(64 * 1024, 1 << 20, 512 * 1024, 0.95, 0.01, 0.02,
            4096, 4);

    @Test
    void shouldKeepItsFreeSegmentsAcrossCrashesAndCleanRestarts() throws IOException {
        List<FaultyDevice> devices = List.of(new FaultyDevice("a", 1 << 20), new FaultyDevice("b", 1 << 20));
        Pool pool = Pool.create(new ArrayList<>(devices), CONFIG);
        EngineBlockStore v = pool.createVolume("v", 256 << 10, 4096, false);
        Random random = new Random(5);
        byte[][] model = new byte[64][];
        try {
            int freeAtStart = -1;
            for (int round = 0; round < RESTARTS; round++) {
                int block = random.nextInt(64);
                model[block] = PoolTest.block(4096, round);
                assertThat(TestIo.write(block * 4096L, model[block]).runOn(v)).isEqualTo(IoStatus.OK);
                if (round % 2 == 0) {
                    pool.halt();
                    for (FaultyDevice d : devices) {
                        d.powerCut(random, true);
                        d.powerOn();
                    }
                } else {
                    pool.close();
                }
                pool = Pool.open(new ArrayList<BlockDevice>(devices), CONFIG);
                v = pool.volume("v");
                int free = pool.stats().freeSegments();
                if (freeAtStart < 0) {
                    freeAtStart = free;
                }
                // A write is 8 KiB of log: the hot stream takes a new segment every 8 rounds. Fresh
                // segments per restart would cost 3 free segments each time.
                assertThat(free).as("free segments after restart %d", round).isGreaterThanOrEqualTo(freeAtStart - 2 - round / 8);
            }
            for (int b = 0; b < 64; b++) {
                TestIo r = TestIo.read(b * 4096L, 4096);
                assertThat(r.runOn(v)).isEqualTo(IoStatus.OK);
                assertThat(r.data()).isEqualTo(model[b] == null ? new byte[4096] : model[b]);
            }
        } finally {
            pool.close();
        }
    }
}
