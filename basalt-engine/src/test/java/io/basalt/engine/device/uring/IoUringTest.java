package io.basalt.engine.device.uring;

import io.basalt.engine.device.AlignedBuffers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The binding against a real file. io_uring missing here is a failure that says how to enable it: the
 * engine would silently fall back to reader threads, and these tests are what proves the ring works.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IoUringTest {
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 512;

    @TempDir
    Path dir;
    private Path file;
    private IoUring ring;
    private int fd = -1;

    @BeforeEach
    void setUp() throws IOException {
        file = dir.resolve("data");
        ByteBuffer content = ByteBuffer.allocate(BLOCKS * BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < BLOCKS * BLOCK; i += 8) {
            content.putLong(i, i);
        }
        Files.write(file, content.array());
        ring = RequireIoUring.open(64);
        fd = IoUring.openFile(file, false);
    }

    @AfterEach
    void tearDown() {
        if (ring != null) {
            ring.close();
        }
        if (fd >= 0) {
            IoUring.closeFile(fd);
        }
    }

    @Test
    void shouldReadKnownDataAtManyOffsetsWithAllReadsInFlightAtOnce() throws IOException {
        int n = ring.depth();
        ByteBuffer buffer = AlignedBuffers.allocate(n * BLOCK);
        long base = MemorySegment.ofBuffer(buffer).address();
        long[] offsets = new long[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = (long) ThreadLocalRandom.current().nextInt(BLOCKS) * BLOCK;
            assertThat(ring.prepareRead(fd, base + (long) i * BLOCK, BLOCK, offsets[i], i)).isTrue();
        }
        assertThat(ring.inFlight()).isEqualTo(n);
        ring.submit();
        Map<Long, Integer> results = reapAll(n);
        assertThat(results).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(results.get((long) i)).isEqualTo(BLOCK);
            for (int at = 0; at < BLOCK; at += 8) {
                assertThat(buffer.getLong(i * BLOCK + at)).as("read %d at %d", i, at).isEqualTo(offsets[i] + at);
            }
        }
        assertThat(ring.inFlight()).isZero();
    }

    @Test
    void shouldReportAShortReadPastTheEndAndAnErrorOnABadDescriptorInTheResult() throws IOException {
        ByteBuffer buffer = AlignedBuffers.allocate(2 * BLOCK);
        long base = MemorySegment.ofBuffer(buffer).address();
        long last = (long) (BLOCKS - 1) * BLOCK;
        assertThat(ring.prepareRead(fd, base, 2 * BLOCK, last, 1)).isTrue();
        assertThat(ring.prepareRead(fd, base, BLOCK, (long) BLOCKS * BLOCK, 2)).isTrue();
        assertThat(ring.prepareRead(Integer.MAX_VALUE, base, BLOCK, 0, 3)).isTrue();
        ring.submit();
        Map<Long, Integer> results = reapAll(3);
        assertThat(results.get(1L)).isEqualTo(BLOCK);
        assertThat(results.get(2L)).isZero();
        assertThat(results.get(3L)).isEqualTo(-9); // EBADF
    }

    @Test
    void shouldRefuseReadsBeyondItsDepthUntilCompletionsAreReaped() throws IOException {
        ByteBuffer buffer = AlignedBuffers.allocate(BLOCK);
        long base = MemorySegment.ofBuffer(buffer).address();
        int depth = ring.depth();
        for (int i = 0; i < depth; i++) {
            assertThat(ring.prepareRead(fd, base, BLOCK, 0, i)).isTrue();
        }
        assertThat(ring.prepareRead(fd, base, BLOCK, 0, depth)).isFalse();
        ring.submit();
        assertThat(ring.prepareRead(fd, base, BLOCK, 0, depth)).as("completed but not reaped").isFalse();
        int reaped = reapAll(1).size();
        assertThat(ring.prepareRead(fd, base, BLOCK, 0, depth)).isTrue();
        ring.submit();
        reapAll(depth + 1 - reaped);
        assertThat(ring.inFlight()).isZero();
    }

    @Test
    void shouldHandTheKernelNothingUntilSubmitAndThenEveryQueuedReadInOneCall() throws IOException {
        ByteBuffer buffer = AlignedBuffers.allocate(8 * BLOCK);
        long base = MemorySegment.ofBuffer(buffer).address();
        for (int i = 0; i < 8; i++) {
            assertThat(ring.prepareRead(fd, base + (long) i * BLOCK, BLOCK, (long) (7 - i) * BLOCK, i)).isTrue();
        }
        assertThat(ring.unsubmitted()).isEqualTo(8);
        // Queued entries are the kernel's only after io_uring_enter: nothing can have completed.
        assertThat(ring.reap((userData, result) -> { })).isZero();
        ring.submit();
        assertThat(ring.unsubmitted()).isZero();
        Map<Long, Integer> results = reapAll(8);
        for (long i = 0; i < 8; i++) {
            assertThat(results.get(i)).isEqualTo(BLOCK);
            assertThat(buffer.getLong((int) i * BLOCK)).isEqualTo((7 - i) * BLOCK);
        }
    }

    @Test
    void shouldTimeSmallSubmitsOnlyAndKeepAMovingAverage() throws IOException {
        ByteBuffer buffer = AlignedBuffers.allocate(8 * BLOCK);
        long base = MemorySegment.ofBuffer(buffer).address();
        assertThat(ring.smallSubmitNanos()).as("nothing submitted yet").isZero();
        ring.submit();
        assertThat(ring.smallSubmitNanos()).as("an empty submit is no system call and is not timed").isZero();
        for (int i = 0; i < 8; i++) {
            ring.prepareRead(fd, base + (long) i * BLOCK, BLOCK, 0, i);
        }
        ring.submit();
        reapAll(8);
        assertThat(ring.smallSubmitNanos()).as("a batch of 8 is not a small submit").isZero();
        for (int i = 0; i < 16; i++) {
            ring.prepareRead(fd, base, BLOCK, 0, i);
            ring.submit();
            reapAll(1);
        }
        // 16 submits of one entry, each a system call of at least a few hundred ns; an eighth of each
        // joins the average, so it has moved well off zero and is no more than the slowest could make it.
        assertThat(ring.smallSubmitNanos()).isBetween(100L, 1_000_000_000L);
    }

    @Test
    void shouldReadThroughTheRegisteredBufferAndDescriptorAsWellAsPlainOnesInOneRing() throws IOException {
        ByteBuffer fixed = AlignedBuffers.allocate(10 * BLOCK);
        ByteBuffer plain = AlignedBuffers.allocate(8 * BLOCK);
        long fixedBase = MemorySegment.ofBuffer(fixed).address();
        long plainBase = MemorySegment.ofBuffer(plain).address();
        int other = IoUring.openFile(file, false);
        try {
            ring.registerFiles(new int[] {fd});
            ring.registerBuffer(fixedBase, 8 * BLOCK);
            // Registered buffer and descriptor; plain buffer, registered descriptor; registered buffer,
            // plain descriptor; neither — each at its own offset, all in flight at once.
            for (int i = 0; i < 8; i++) {
                long into = (i % 2 == 0 ? fixedBase : plainBase) + (long) i * BLOCK;
                assertThat(ring.prepareRead(i % 4 < 2 ? fd : other, into, BLOCK, (long) (100 + i) * BLOCK, i)).isTrue();
            }
            ring.submit();
            Map<Long, Integer> results = reapAll(8);
            for (int i = 0; i < 8; i++) {
                assertThat(results.get((long) i)).isEqualTo(BLOCK);
                ByteBuffer b = i % 2 == 0 ? fixed : plain;
                for (int at = 0; at < BLOCK; at += 8) {
                    assertThat(b.getLong(i * BLOCK + at)).as("read %d at %d", i, at).isEqualTo((100L + i) * BLOCK + at);
                }
            }
            // A read that runs past the registered buffer's end is a plain read (a fixed one would fail).
            assertThat(ring.prepareRead(fd, fixedBase + 7 * BLOCK, 3 * BLOCK, 0, 9)).isTrue();
            ring.submit();
            assertThat(reapAll(1)).containsEntry(9L, 3 * BLOCK);
            assertThat(fixed.getLong(9 * BLOCK)).isEqualTo(2L * BLOCK);
        } finally {
            IoUring.closeFile(other);
        }
    }

    @Test
    void shouldSayWhyTheKernelRefusesARegistration() {
        assertThatThrownBy(() -> ring.registerFiles(new int[] {Integer.MAX_VALUE}))
                .isInstanceOf(IOException.class)
                .hasMessage("io_uring_register (files) failed: errno 9");
    }

    @Test
    void shouldWaitForReadsInFlightWhenClosed() throws IOException {
        ByteBuffer buffer = AlignedBuffers.allocate(ring.depth() * BLOCK);
        long base = MemorySegment.ofBuffer(buffer).address();
        for (int i = 0; i < ring.depth(); i++) {
            assertThat(ring.prepareRead(fd, base + (long) i * BLOCK, BLOCK, (long) i * BLOCK, i)).isTrue();
        }
        ring.submit();
        ring.close();
        // Every read landed before close returned: nothing writes into the buffer afterwards.
        for (int i = 0; i < ring.depth(); i++) {
            assertThat(buffer.getLong(i * BLOCK)).isEqualTo((long) i * BLOCK);
        }
        assertThat(ring.inFlight()).isZero();
    }

    @Test
    void shouldWakeAConsumerWaitingOnAnotherThreadWithANop() throws Exception {
        List<Long> seen = new ArrayList<>();
        Thread consumer = Thread.ofPlatform().start(() -> {
            try {
                while (seen.isEmpty()) {
                    if (ring.reap((userData, result) -> seen.add(userData)) == 0) {
                        ring.awaitCompletion();
                    }
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(ring.prepareNop(77)).isTrue();
        ring.submit();
        consumer.join(10_000);
        assertThat(consumer.isAlive()).isFalse();
        assertThat(seen).containsExactly(77L);
    }

    /** Reaps until at least {@code n} completions arrived (it takes all there are). */
    private Map<Long, Integer> reapAll(int n) throws IOException {
        Map<Long, Integer> results = new HashMap<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (results.size() < n) {
            if (ring.reap(results::put) == 0) {
                assertThat(System.nanoTime()).as("completions within 10 s").isLessThan(deadline);
                ring.awaitCompletion();
            }
        }
        return results;
    }
}
