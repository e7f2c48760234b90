package io.basalt.engine.gc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentLimboTest {
    /**
     * One reader whose reads are queued (not yet at the device) until {@link #startQueued}, and which
     * finishes every started read at once: the io_uring reader between two engine turns.
     */
    private static final class QueuedReads implements ReadEpochs {
        long tail;
        long head;
        long started;
        int startCalls;

        void queueRead() {
            tail++;
        }

        /** The reader's own thread: every read handed to the device has finished. */
        void finishStarted() {
            head = started;
        }

        @Override
        public int threads() {
            return 1;
        }

        @Override
        public boolean busy() {
            return head != tail;
        }

        @Override
        public void epoch(long[] into, int from) {
            into[from] = tail;
        }

        @Override
        public boolean passed(long[] epoch, int from) {
            finishStarted();
            return head >= epoch[from];
        }

        @Override
        public void startQueued() {
            startCalls++;
            started = tail;
        }
    }

    private final SegmentTable table = new SegmentTable(4, 1);
    private final int segment = table.allocate(0);
    private final QueuedReads reads = new QueuedReads();
    private final SegmentLimbo limbo = new SegmentLimbo(table, reads);

    @Test
    void shouldFreeAtOnceWhenNoReadIsInFlight() {
        limbo.retire(segment);
        assertThat(table.state(segment)).isEqualTo(SegmentTable.FREE);
        assertThat(limbo.size()).isZero();
    }

    @Test
    void shouldKeepASegmentUntilTheReadsResolvedBeforeItsRetirementHaveFinished() {
        reads.queueRead();
        limbo.retire(segment);
        assertThat(table.state(segment)).isEqualTo(SegmentTable.RETIRED);
        assertThat(limbo.reclaim()).as("the read was never started").isZero();
        reads.startQueued();
        reads.queueRead();
        assertThat(limbo.reclaim()).as("a read queued after the retirement does not hold it").isEqualTo(1);
        assertThat(table.state(segment)).isEqualTo(SegmentTable.FREE);
    }

    @Test
    void shouldStartQueuedReadsBeforeWaitingForThem() {
        reads.queueRead();
        limbo.retire(segment);
        // Without the start, the wait would time out on a read that never reaches the device.
        assertThat(limbo.awaitOne()).isTrue();
        assertThat(reads.startCalls).isEqualTo(1);
        assertThat(table.state(segment)).isEqualTo(SegmentTable.FREE);
        assertThat(limbo.awaitOne()).as("nothing left to wait for").isFalse();
    }
}
