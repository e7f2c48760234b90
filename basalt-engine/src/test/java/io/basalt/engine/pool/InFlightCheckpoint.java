package io.basalt.engine.pool;

import io.basalt.engine.device.FaultyDevice;
import io.basalt.engine.device.GatedDevice;

import java.io.IOException;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For the property tests: a background checkpoint held in flight by a {@link GatedDevice} at one of
 * its device operations, and a power cut while it is.
 */
final class InFlightCheckpoint {
    /** The checkpoint thread's device operations in the tests' small pools: body write, sync, header write, sync. */
    static final int OPERATIONS = 4;

    private InFlightCheckpoint() {
    }

    /** Starts a background checkpoint and waits until its thread is held at device operation {@code op}. */
    static void hold(Pool pool, GatedDevice gate, int op) throws IOException {
        pool.checkpoint(); // none in flight, none due: the one started next is the one held
        gate.holdAt(op);
        assertThat(pool.startCheckpoint()).isTrue();
        try {
            assertThat(gate.awaitHeld(30)).as("checkpoint thread reached operation %d", op).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        assertThat(pool.checkpointInFlight()).isTrue();
    }

    /**
     * Whether a write may go on while the checkpoint is held: the hot stream must find a free
     * segment above the reserve, else it waits for the checkpoint (and the test for the write).
     */
    static boolean roomForWrites(Pool pool) throws IOException {
        return pool.stats().freeSegments() >= 12;
    }

    /** Cuts the power of every device while the checkpoint is held, lets it go (to fail), stops the pool dead, powers on. */
    static void cut(Pool pool, GatedDevice gate, List<FaultyDevice> devices, Random random, boolean tear) {
        for (FaultyDevice d : devices) {
            d.powerCut(random, tear);
        }
        gate.release();
        pool.halt();
        for (FaultyDevice d : devices) {
            d.powerOn();
        }
    }
}
