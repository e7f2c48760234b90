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

    @Test
    void shouldFreeAtOnceWhenNoReadIsInFlight() {
        SegmentTable table = new SegmentTable(4, 1);
        int s = table.allocate(0);
        SegmentLimbo limbo = new SegmentLimbo(table, new QueuedReads());
        limbo.retire(s);
        assertThat(table.state(s)).isEqualTo(SegmentTable.FREE);
        assertThat(limbo.size()).isZero();
    }

    @Test
    void shouldKeepASegmentUntilTheReadsResolvedBeforeItsRetirementHaveFinished() {
        SegmentTable table = new SegmentTable(4, 1);
        int s = table.allocate(0);
        QueuedReads reads = new QueuedReads();
        SegmentLimbo limbo = new SegmentLimbo(table, reads);
        reads.queueRead();
        limbo.retire(s);
        assertThat(table.state(s)).isEqualTo(SegmentTable.RETIRED);
        assertThat(limbo.reclaim()).as("the read was never started").isZero();
        reads.startQueued();
        reads.queueRead();
        assertThat(limbo.reclaim()).as("a read queued after the retirement does not hold it").isEqualTo(1);
        assertThat(table.state(s)).isEqualTo(SegmentTable.FREE);
    }

    @Test
    void shouldStartQueuedReadsBeforeWaitingForThem() {
        SegmentTable table = new SegmentTable(4, 1);
        int s = table.allocate(0);
        QueuedReads reads = new QueuedReads();
        SegmentLimbo limbo = new SegmentLimbo(table, reads);
        reads.queueRead();
        limbo.retire(s);
        // Without the start, the wait would time out on a read that never reaches the device.
        assertThat(limbo.awaitOne()).isTrue();
        assertThat(reads.startCalls).isEqualTo(1);
        assertThat(table.state(s)).isEqualTo(SegmentTable.FREE);
        assertThat(limbo.awaitOne()).as("nothing left to wait for").isFalse();
    }
}
