package io.basalt.engine.pool;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads racing writes and the cleaner for three seconds on a small pool, so segments are cleaned and
 * reused while reads resolved in them are in flight: every read must return the block it asked for,
 * in a version written at or before it completed. Shared by the reader-thread and io_uring tests.
 */
final class ReadRace {
    private ReadRace() {
    }

    /** A block that says which block it is and which write put it there. */
    static byte[] stamped(long lba, long version) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 4096; i += 16) {
            b.putLong(i, lba).putLong(i + 8, version);
        }
        return b.array();
    }

    /**
     * As {@link #stamped}, but random bytes between the stamps, so it does not compress and is stored
     * as it is: the kind of block a read in place returns.
     */
    static byte[] noisy(long lba, long version) {
        byte[] b = stamped(lba, version);
        byte[] noise = new byte[4096 - 32];
        ThreadLocalRandom.current().nextBytes(noise);
        System.arraycopy(noise, 0, b, 16, noise.length);
        return b;
    }

    static long stampedLba(byte[] block) {
        return ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).getLong(4080);
    }

    static long stampedVersion(byte[] block) {
        return ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
    }

    /** Runs the race on a new 1 MiB volume of {@code pool} (at least 4 MiB, 64 KiB segments). */
    static void readWhileWritingAndCleaning(Pool pool) throws Exception {
        readWhileWritingAndCleaning(pool, false);
    }

    /**
     * As {@link #readWhileWritingAndCleaning(Pool)}; with {@code inPlace}, the blocks do not compress
     * and the reads go into aligned direct buffers, so the io_uring reader reads them in place.
     */
    static void readWhileWritingAndCleaning(Pool pool, boolean inPlace) throws Exception {
        int blocks = 256;
        EngineBlockStore v = pool.createVolume("v", blocks * 4096L, 4096, false);
        AtomicLong[] written = new AtomicLong[blocks];
        for (int b = 0; b < blocks; b++) {
            assertThat(TestIo.write(b * 4096L, inPlace ? noisy(b, 0) : stamped(b, 0)).runOn(v))
                    .isEqualTo(IoStatus.OK);
            written[b] = new AtomicLong();
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        threads.add(Thread.ofPlatform().start(() -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (long version = 1; !stop.get(); version++) {
                List<TestIo> ios = new ArrayList<>();
                for (int k = 0; k < 16; k++) {
                    int b = random.nextInt(blocks / 2);
                    written[b].accumulateAndGet(version, Math::max);
                    TestIo io = TestIo.write(b * 4096L, inPlace ? noisy(b, version) : stamped(b, version));
                    v.submit(io);
                    ios.add(io);
                }
                for (TestIo io : ios) {
                    if (io.await() != IoStatus.OK) {
                        failure.compareAndSet(null, "write failed: " + io.await());
                    }
                }
            }
        }));
        for (int t = 0; t < 2; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    List<TestIo> ios = new ArrayList<>();
                    for (int k = 0; k < 8; k++) {
                        long at = random.nextInt(blocks) * 4096L;
                        TestIo io = inPlace ? TestIo.readInto(at, 4096, UringReaderTest.hostBuffer(4096, 0))
                                : TestIo.read(at, 4096);
                        v.submit(io);
                        ios.add(io);
                    }
                    for (TestIo io : ios) {
                        long lba = io.offset() / 4096;
                        int status = io.await();
                        byte[] got = io.data();
                        if (inPlace) {
                            io.buffer().release();
                        }
                        if (status != IoStatus.OK) {
                            failure.compareAndSet(null, "read of " + lba + " failed: " + status);
                        } else if (stampedLba(got) != lba || stampedVersion(got) > written[(int) lba].get()) {
                            failure.compareAndSet(null, "read of " + lba + " returned block "
                                    + stampedLba(got) + " version " + stampedVersion(got));
                        }
                        reads.incrementAndGet();
                    }
                }
            }));
        }
        threads.add(Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                try {
                    pool.checkpoint();
                    pool.clean(2);
                } catch (IOException e) {
                    failure.compareAndSet(null, "cleaning failed: " + e);
                }
            }
        }));
        long cleanedBefore = pool.stats().segmentsCleaned();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < deadline && failure.get() == null) {
            Thread.sleep(20);
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(reads.get()).isGreaterThan(1000);
        assertThat(pool.stats().segmentsCleaned() - cleanedBefore).isGreaterThan(50);
        assertThat(pool.stats().checksumErrors()).isZero();
        if (inPlace) {
            assertThat(pool.stats().readsInPlace()).as("reads in place").isPositive();
        }
    }
}
