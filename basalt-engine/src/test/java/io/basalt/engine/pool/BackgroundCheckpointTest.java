package io.basalt.engine.pool;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.checkpoint.BackgroundCheckpoint;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.device.FaultyDevice;
import io.basalt.engine.device.GatedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Background checkpoints with the checkpoint thread held at a chosen device operation: foreground
 * I/O goes on meanwhile, the end is applied once, synchronous checkpoints and the cleaner wait, and
 * a power cut while one is in flight loses no acknowledged write (the older slot is used).
 */
class BackgroundCheckpointTest {
    /** 64 KiB segments; the cleaner wants to run below half the segments free. */
    private static final PoolConfig CONFIG = new PoolConfig(64 * 1024, 1 << 20, 256 * 1024, 0.95, 0.5, 0.6, 4096, 4)
            .withReadThreads(2);
    private static final int BLOCKS = 64;
    /** The checkpoint thread's device operations in a small pool: body write, sync, header write, sync. */
    private static final int CHECKPOINT_OPS = 4;

    private final List<FaultyDevice> faulty = List.of(new FaultyDevice("a", 2 << 20), new FaultyDevice("b", 2 << 20));
    private final GatedDevice gated = new GatedDevice(faulty.get(0), BackgroundCheckpoint.THREAD_PREFIX);
    private final byte[] model = new byte[BLOCKS * 4096];

    private List<BlockDevice> devices() {
        return new ArrayList<>(List.of(gated, faulty.get(1)));
    }

    /** A volume "v" in {@code pool} with every block written (block b holds pattern b). */
    private EngineBlockStore filled(Pool pool) throws IOException {
        EngineBlockStore v = pool.createVolume("v", model.length, 4096, false);
        for (int b = 0; b < BLOCKS; b++) {
            write(v, b, b);
        }
        return v;
    }

    private void write(EngineBlockStore v, int block, long seed) {
        byte[] data = PoolTest.block(4096, seed);
        assertThat(TestIo.write((long) block * 4096, data).runOn(v)).isEqualTo(IoStatus.OK);
        System.arraycopy(data, 0, model, block * 4096, 4096);
    }

    private void check(EngineBlockStore v) {
        TestIo r = TestIo.read(0, model.length);
        assertThat(r.runOn(v)).isEqualTo(IoStatus.OK);
        assertThat(r.data()).isEqualTo(model);
    }

    /** Starts a background checkpoint and waits until its thread is held at operation {@code op}. */
    private void holdCheckpointAt(Pool pool, int op) throws Exception {
        pool.checkpoint(); // none in flight, none due
        gated.holdAt(op);
        assertThat(pool.startCheckpoint()).isTrue();
        assertThat(gated.awaitHeld(10)).as("checkpoint thread reached operation %d", op).isTrue();
    }

    private static void awaitEnd(Pool pool) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.checkpointInFlight()) {
            assertThat(System.nanoTime()).as("background checkpoint ended").isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    /**
     * Starts a background checkpoint after writes that may have left a periodic one due. The engine
     * starts a due one in its next idle turn, which may come between a look that finds none in flight
     * and {@link Pool#startCheckpoint} (then false): so wait for the one in flight and try again.
     */
    private static void startAfterAnyDue(Pool pool) throws Exception {
        for (int attempt = 1; !pool.startCheckpoint(); attempt++) {
            assertThat(attempt).as("started within 10 attempts; due ones need an interval of new log").isLessThan(10);
            awaitEnd(pool);
        }
    }

    @Test
    void shouldServeWritesAndReadsWhileTheCheckpointBodyWriteIsBlocked() throws Exception {
        Pool pool = Pool.create(devices(), CONFIG);
        try {
            EngineBlockStore v = filled(pool);
            pool.checkpoint();
            long floor = pool.checkpointFloor();
            for (int b = 0; b < 5; b++) {
                write(v, b, 500 + b); // one batch each: the frozen state is 5 batches past the floor
            }
            gated.holdAt(0);
            assertThat(pool.startCheckpoint()).isTrue();
            assertThat(gated.awaitHeld(10)).isTrue();
            long before = pool.stats().checkpoints();
            // Without a volatile cache each write completes only after its batch is synced. Fewer
            // than an interval of log (256 KiB), so no other checkpoint falls due.
            for (int i = 0; i < 20; i++) {
                write(v, (i * 7) % BLOCKS, 1000 + i);
            }
            check(v);
            assertThat(pool.checkpointInFlight()).isTrue();
            assertThat(pool.stats().checkpoints()).as("not applied before it is written").isEqualTo(before);
            assertThat(pool.checkpointFloor()).as("the floor moves only once the checkpoint is synced").isEqualTo(floor);

            gated.release();
            awaitEnd(pool);
            assertThat(pool.stats().checkpoints()).isEqualTo(before + 1);
            assertThat(pool.checkpointFloor()).as("the floor is the frozen state's, not today's")
                    .isBetween(floor + 1, floor + 5);
            check(v);
        } finally {
            gated.release();
            pool.close();
        }
        try (Pool reopened = Pool.open(devices(), CONFIG)) {
            check(reopened.volume("v"));
        }
    }

    @ParameterizedTest(name = "power cut at checkpoint operation {0}")
    @ValueSource(ints = {0, 1, 2, 3})
    void shouldLoseNoAcknowledgedWriteWhenPowerIsCutWhileACheckpointIsInFlight(int op) throws Exception {
        Pool pool = Pool.create(devices(), CONFIG);
        EngineBlockStore v = filled(pool);
        holdCheckpointAt(pool, op);
        for (int i = 0; i < 30; i++) {
            write(v, (i * 5) % BLOCKS, 2000 + i);
        }
        Random random = new Random(op);
        for (FaultyDevice d : faulty) {
            d.powerCut(random, true);
        }
        gated.release();
        pool.halt();
        for (FaultyDevice d : faulty) {
            d.powerOn();
        }
        try (Pool reopened = Pool.open(devices(), CONFIG)) {
            check(reopened.volume("v"));
        }
    }

    @Test
    void shouldUseTheHeldCheckpointOnceItsHeaderIsSynced() throws Exception {
        // Held at the last sync: the new slot is complete but not known durable; a cut may keep or tear it.
        Pool pool = Pool.create(devices(), CONFIG);
        EngineBlockStore v = filled(pool);
        holdCheckpointAt(pool, CHECKPOINT_OPS - 1);
        gated.release();
        awaitEnd(pool);
        gated.holdAt(0);
        assertThat(gated.awaitHeld(0)).as("no further checkpoint operation").isFalse();
        gated.release();
        pool.halt();
        try (Pool reopened = Pool.open(devices(), CONFIG)) {
            check(reopened.volume("v"));
        }
    }

    @Test
    void shouldKeepTheOldCheckpointAndFloorWhenTheBackgroundWriteFails() throws Exception {
        Pool pool = Pool.create(devices(), CONFIG);
        try {
            EngineBlockStore v = filled(pool);
            pool.checkpoint();
            long before = pool.stats().checkpoints();
            long floor = pool.checkpointFloor();
            gated.failCheckpointWrites = true;
            // Garbage after the last durable checkpoint: on the replay path, so never a victim.
            Random random = new Random(3);
            for (int i = 0; i < 2 * BLOCKS; i++) {
                write(v, i % BLOCKS, random.nextLong());
            }
            startAfterAnyDue(pool);
            awaitEnd(pool);
            assertThat(pool.stats().checkpoints()).as("a failed checkpoint is not counted").isEqualTo(before);
            assertThat(pool.checkpointFloor()).as("the cleaner's floor stays at the durable checkpoint").isEqualTo(floor);
            // Had the failed checkpoint moved the floor, cleaning would free (and the writes below
            // reuse) segments the replay from the durable one needs.
            pool.clean(100);
            for (int i = 0; i < BLOCKS; i++) {
                write(v, random.nextInt(BLOCKS), random.nextLong());
            }
            assertThat(pool.stats().checkpoints()).as("every background checkpoint failed").isEqualTo(before);
            assertThat(pool.checkpointFloor()).isEqualTo(floor);
            check(v);
        } finally {
            pool.halt();
        }
        gated.failCheckpointWrites = false;
        try (Pool reopened = Pool.open(devices(), CONFIG)) {
            check(reopened.volume("v"));
            PoolStats s = reopened.stats();
            EngineBlockStore v = reopened.volume("v");
            write(v, 4, 4);
            assertThat(reopened.startCheckpoint()).as("tried again").isTrue();
            awaitEnd(reopened);
            assertThat(reopened.stats().checkpoints()).isEqualTo(s.checkpoints() + 1);
        }
    }

    @Test
    void shouldFinishTheCheckpointInFlightBeforeASynchronousOne() throws Exception {
        Pool pool = Pool.create(devices(), CONFIG);
        try {
            EngineBlockStore v = pool.createVolume("v", model.length, 4096, false);
            write(v, 1, 1);
            holdCheckpointAt(pool, 0);
            long before = pool.stats().checkpoints();
            CompletableFuture<EngineBlockStore> created = CompletableFuture.supplyAsync(() -> {
                try {
                    return pool.createVolume("w", 4096 * 8, 4096, false);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(200);
            assertThat(created).as("volume creation waits for the checkpoint in flight").isNotDone();
            gated.release();
            assertThat(created.get(10, TimeUnit.SECONDS).name()).isEqualTo("w");
            assertThat(pool.stats().checkpoints()).isEqualTo(before + 2);
        } finally {
            gated.release();
            pool.close();
        }
    }

    @Test
    void shouldNotCleanWhileACheckpointIsInFlightAndCleanAfter() throws Exception {
        Pool pool = Pool.create(devices(), CONFIG);
        try {
            EngineBlockStore v = filled(pool);
            pool.checkpoint();
            PoolStats start = pool.stats();
            holdCheckpointAt(pool, 0);
            Random random = new Random(7);
            // Overwrites until free segments are below the cleaner's low watermark (half of them).
            while (pool.stats().freeSegments() > start.segments() / 2 - 2) {
                write(v, random.nextInt(BLOCKS), random.nextLong());
            }
            Thread.sleep(50);
            assertThat(pool.stats().segmentsCleaned()).as("no cleaning under a frozen map").isEqualTo(start.segmentsCleaned());
            check(v);
            gated.release();
            awaitEnd(pool);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pool.stats().segmentsCleaned() == start.segmentsCleaned()) {
                assertThat(System.nanoTime()).as("cleaning resumed").isLessThan(deadline);
                Thread.sleep(5);
            }
            check(v);
        } finally {
            gated.release();
            pool.close();
        }
        try (Pool reopened = Pool.open(devices(), CONFIG)) {
            check(reopened.volume("v"));
        }
    }
}
