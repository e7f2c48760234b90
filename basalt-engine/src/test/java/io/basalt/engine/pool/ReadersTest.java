package io.basalt.engine.pool;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.device.ForwardingDevice;
import io.basalt.engine.device.FaultyDevice;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static io.basalt.engine.pool.ReadRace.stamped;
import static org.assertj.core.api.Assertions.assertThat;

class ReadersTest {
    /** 64 KiB segments on 2 MiB: 32 segments, so the cleaner reuses each one often. */
    private static final PoolConfig CONFIG = PoolConfig.defaults().withSegmentSize(64 * 1024);
    private static final int DEVICE_SIZE = 2 << 20;

    @Test
    void shouldHandReadsQueuedBehindOthersToReaderThreads() throws Exception {
        GatedDevice device = new GatedDevice(new FaultyDevice("d", DEVICE_SIZE));
        try (Pool pool = Pool.create(List.of(device), CONFIG.withReadThreads(2))) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, false);
            assertThat(TestIo.write(4096, stamped(1, 1)).runOn(v)).isEqualTo(IoStatus.OK);
            TestIo first = TestIo.read(0, 8192);
            TestIo second = TestIo.read(4096, 4096);
            submitBehindAStalledWrite(device, v, first, second);
            assertThat(first.await()).isEqualTo(IoStatus.OK);
            assertThat(second.await()).isEqualTo(IoStatus.OK);
            assertThat(first.completedOn.getName()).startsWith("basalt-read-");
            assertThat(java.util.Arrays.copyOfRange(first.data(), 0, 4096)).containsOnly(0);
            assertThat(java.util.Arrays.copyOfRange(first.data(), 4096, 8192)).isEqualTo(stamped(1, 1));
            assertThat(second.data()).isEqualTo(stamped(1, 1));
        }
    }

    @Test
    void shouldServeAReadThatIsAloneOnTheEngineThread() throws IOException {
        try (Pool pool = Pool.create(List.of(new FaultyDevice("d", DEVICE_SIZE)), CONFIG.withReadThreads(2))) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, false);
            assertThat(TestIo.write(0, stamped(0, 1)).runOn(v)).isEqualTo(IoStatus.OK);
            TestIo r = TestIo.read(0, 4096);
            assertThat(r.runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(r.completedOn.getName()).startsWith("basalt-engine-");
            assertThat(r.data()).isEqualTo(stamped(0, 1));
        }
    }

    @Test
    void shouldServeReadsOnTheEngineThreadWithoutReaderThreads() throws IOException {
        try (Pool pool = Pool.create(List.of(new FaultyDevice("d", DEVICE_SIZE)), CONFIG.withReadThreads(0))) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, false);
            assertThat(TestIo.write(0, stamped(0, 1)).runOn(v)).isEqualTo(IoStatus.OK);
            TestIo r = TestIo.read(0, 4096);
            assertThat(r.runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(r.completedOn.getName()).startsWith("basalt-engine-");
            assertThat(r.data()).isEqualTo(stamped(0, 1));
        }
    }

    @Test
    void shouldSplitReadsLongerThanOneRequest() throws IOException {
        try (Pool pool = Pool.create(List.of(new FaultyDevice("d", 8 << 20)), CONFIG.withReadThreads(1))) {
            EngineBlockStore v = pool.createVolume("v", 4 << 20, 512, false);
            byte[] data = PoolTest.block(ReadRequest.MAX_BLOCKS * 512 * 3 + 512, 7);
            assertThat(TestIo.write(512, data).runOn(v)).isEqualTo(IoStatus.OK);
            TestIo r = TestIo.read(512, data.length);
            assertThat(r.runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(r.data()).isEqualTo(data);
        }
    }

    @Test
    void shouldReadBlocksStoredBackToBackWithOneDeviceReadPerRun() throws IOException {
        // 512 KiB segments: a batch holds up to 128 KiB of payload, so one 64 KiB write is one batch.
        CountingDevice device = new CountingDevice(new FaultyDevice("d", 16 << 20));
        try (Pool pool = Pool.create(List.of(device), PoolConfig.defaults().withSegmentSize(512 << 10)
                .withReadThreads(2))) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, false);
            byte[] first = PoolTest.block(16 * 4096, 1);
            byte[] second = PoolTest.block(8 * 4096, 2);
            assertThat(TestIo.write(0, first).runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(TestIo.write(16 * 4096, second).runOn(v)).isEqualTo(IoStatus.OK);

            long before = device.reads.get();
            TestIo one = TestIo.read(0, first.length);
            assertThat(one.runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(device.reads.get() - before).as("16 contiguous blocks, one device read").isEqualTo(1);
            assertThat(one.data()).isEqualTo(first);

            // Two batches: two runs (the second batch's header lies between them), two device reads.
            before = device.reads.get();
            TestIo two = TestIo.read(8 * 4096, 16 * 4096);
            assertThat(two.runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(device.reads.get() - before).isEqualTo(2);
            assertThat(Arrays.copyOfRange(two.data(), 0, 8 * 4096)).isEqualTo(Arrays.copyOfRange(first, 8 * 4096,
                    16 * 4096));
            assertThat(Arrays.copyOfRange(two.data(), 8 * 4096, 16 * 4096)).isEqualTo(second);
        }
    }

    /**
     * A reader stalls inside the device read of a block; meanwhile the block is overwritten, its
     * segment cleaned and the pool written through until it runs out of space. The cleaned segments
     * must wait in limbo for the stalled read: reused, it would find another block's payload and fail
     * its checksum. Once the read is done, they are free again.
     */
    @Test
    void shouldNotReuseACleanedSegmentWhileAReadResolvedInItIsInFlight() throws Exception {
        GatedDevice device = new GatedDevice(new FaultyDevice("d", DEVICE_SIZE));
        try (Pool pool = Pool.create(List.of(device), CONFIG.withReadThreads(1))) {
            int blocks = 64;
            EngineBlockStore v = pool.createVolume("v", (blocks + 1) * 4096L, 4096, false);
            for (int b = 0; b < blocks; b++) {
                assertThat(TestIo.write(b * 4096L, stamped(b, 0)).runOn(v)).isEqualTo(IoStatus.OK);
            }
            // Counted from before the read: background cleaning may retire segments while it starts.
            long cleanedBefore = pool.stats().segmentsCleaned();
            device.reads.armed.set(true);
            TestIo stalled = TestIo.read(0, 4096);
            submitBehindAStalledWrite(device, v, stalled, TestIo.read(4096, 4096));
            device.reads.awaitEntered();

            int status = IoStatus.OK;
            try {
                for (int round = 1; round <= 20 && status == IoStatus.OK; round++) {
                    for (int b = 0; b < blocks && status == IoStatus.OK; b++) {
                        status = TestIo.write(b * 4096L, stamped(b, round)).runOn(v);
                    }
                    pool.checkpoint();
                    pool.clean(4);
                }
                assertThat(status).as("every segment cleaned since the read began is held back")
                        .isEqualTo(IoStatus.NO_SPACE);
                assertThat(pool.stats().segmentsCleaned() - cleanedBefore).isGreaterThanOrEqualTo(2);
                assertThat(stalled.status).isNotDone();
            } finally {
                device.reads.open.countDown();
            }
            assertThat(stalled.await()).isEqualTo(IoStatus.OK);
            assertThat(stalled.data()).isEqualTo(stamped(0, 0));
            for (int round = 21; round <= 40; round++) {
                for (int b = 0; b < blocks; b++) {
                    assertThat(TestIo.write(b * 4096L, stamped(b, round)).runOn(v)).isEqualTo(IoStatus.OK);
                }
            }
            assertThat(pool.stats().checksumErrors()).isZero();
        }
    }

    /**
     * Writers overwrite, the cleaner moves and frees, and readers (on reader threads slowed at random
     * inside the device read) check that every block they get is the one asked for and a write of it.
     */
    @Test
    void shouldReturnOnlyTheBlocksAskedForWhileCleaningRaces() throws Exception {
        SlowReadDevice device = new SlowReadDevice(new FaultyDevice("d", 2 * DEVICE_SIZE));
        try (Pool pool = Pool.create(List.of(device), CONFIG.withReadThreads(2))) {
            ReadRace.readWhileWritingAndCleaning(pool);
        }
    }

    /** Holds one read and one write, once each is armed, until its gate opens. */
    private static final class GatedDevice extends ForwardingDevice {
        final Gate reads = new Gate();
        final Gate writes = new Gate();

        GatedDevice(BlockDevice device) {
            super(device);
        }

        @Override
        public void read(long position, ByteBuffer dst) throws IOException {
            // Only a reader thread's read is held: the engine thread reads too (the cleaner's batch
            // reads), and holding it would stall the engine rather than one read.
            if (Thread.currentThread().getName().startsWith("basalt-read-")) {
                reads.pass();
            }
            super.read(position, dst);
        }

        @Override
        public void write(long position, ByteBuffer src) throws IOException {
            writes.pass();
            super.write(position, src);
        }
    }

    private static final class Gate {
        final AtomicBoolean armed = new AtomicBoolean();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);

        void pass() throws IOException {
            if (armed.compareAndSet(true, false)) {
                entered.countDown();
                try {
                    open.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        }

        void awaitEntered() throws InterruptedException {
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * Holds the engine thread in a batch write while {@code reads} queue up behind it, so the engine
     * then drains them together and hands them to reader threads instead of serving one alone.
     */
    private static void submitBehindAStalledWrite(GatedDevice device, EngineBlockStore v, TestIo... reads)
            throws InterruptedException {
        device.writes.armed.set(true);
        TestIo w = TestIo.write(v.capacityBytes() - 4096, new byte[4096]);
        v.submit(w);
        device.writes.awaitEntered();
        for (TestIo r : reads) {
            v.submit(r);
        }
        device.writes.open.countDown();
        assertThat(w.await()).isEqualTo(IoStatus.OK);
    }

    /** Counts device reads. */
    private static final class CountingDevice extends ForwardingDevice {
        final AtomicLong reads = new AtomicLong();

        CountingDevice(BlockDevice device) {
            super(device);
        }

        @Override
        public void read(long position, ByteBuffer dst) throws IOException {
            reads.incrementAndGet();
            super.read(position, dst);
        }
    }

    /** Reads wait up to 200 µs before they touch the device: a slow device widens every race. */
    private static final class SlowReadDevice extends ForwardingDevice {
        SlowReadDevice(BlockDevice device) {
            super(device);
        }

        @Override
        public void read(long position, ByteBuffer dst) throws IOException {
            if (!Thread.currentThread().getName().startsWith("basalt-engine-")) {
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(200_000));
            }
            super.read(position, dst);
        }
    }
}
