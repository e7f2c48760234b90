package io.basalt.engine.jmh;

import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;
import io.basalt.block.IoStatus;
import io.basalt.engine.ram.RamBlockStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueueDriverTest {
    private static final long BLOCKS = 64;

    @Test
    void shouldKeepDepthIosInFlightAndCountEveryCompletionOfAnAsyncStore() throws Exception {
        try (AsyncStore store = new AsyncStore()) {
            QueueDriver driver = new QueueDriver(store, BlockIo.OP_WRITE, 8, BLOCKS, payloads(4), 1);
            long counted = 0;
            for (int i = 0; i < 2000; i++) {
                counted += driver.runOne();
            }
            driver.close();
            assertThat(store.maxInFlight).isEqualTo(8);
            assertThat(store.inFlight.get()).isZero();
            // Completions are counted when reaped: the last call's measured I/O and the ones still in flight at the end are not.
            assertThat(counted).isBetween(store.completed - 8, store.completed - 1);
            assertThat(store.completed).isGreaterThanOrEqualTo(2000);
        }
    }

    @Test
    void shouldRunTheWholeQueueInEachCallOfAStoreThatCompletesInline() {
        ByteBuf[] data = payloads(4);
        try (RamBlockStore store = new RamBlockStore(BLOCKS * QueueDriver.BLOCK, QueueDriver.BLOCK)) {
            QueueDriver driver = new QueueDriver(store, BlockIo.OP_READ, 4, BLOCKS, data, 1);
            assertThat(driver.runOne()).as("nothing was in flight before the first call").isZero();
            for (int i = 0; i < 10; i++) {
                assertThat(driver.runOne()).isEqualTo(4);
            }
            driver.close();
        }
    }

    @Test
    void shouldSubmitBlockAlignedIosInsideTheVolumeWithTheDriversBuffers() {
        ByteBuf[] data = payloads(4);
        // The driver reuses its BlockIos, so what each submission carried is recorded when it is made.
        List<BlockIo> seen = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        List<Integer> readableAtSubmit = new ArrayList<>();
        BlockStore recording = new InlineStore() {
            @Override
            public void submit(BlockIo io) {
                seen.add(io);
                offsets.add(io.offset());
                readableAtSubmit.add(io.buffer().readableBytes());
                if (io.op() == BlockIo.OP_READ) {
                    io.buffer().writeZero(io.length());
                }
                io.complete(IoStatus.OK);
            }
        };
        QueueDriver writes = new QueueDriver(recording, BlockIo.OP_WRITE, 2, BLOCKS, data, 3);
        QueueDriver reads = new QueueDriver(recording, BlockIo.OP_READ, 2, BLOCKS, data, 3);
        for (int i = 0; i < 200; i++) {
            writes.runOne();
            reads.runOne();
        }
        reads.close();
        writes.close();
        assertThat(seen).allSatisfy(io -> assertThat(io.length()).isEqualTo(QueueDriver.BLOCK));
        assertThat(offsets).allSatisfy(offset -> {
            assertThat(offset % QueueDriver.BLOCK).isZero();
            assertThat(offset).isBetween(0L, (BLOCKS - 1) * QueueDriver.BLOCK);
        });
        // Identity, not ByteBuf.equals (which compares contents).
        assertThat(seen.stream().filter(io -> io.op() == BlockIo.OP_WRITE).map(BlockIo::buffer))
                .allMatch(b -> Arrays.stream(data).anyMatch(d -> d == b));
        // A read's buffer is emptied before every submission, a write's holds one whole block.
        for (int i = 0; i < seen.size(); i++) {
            assertThat(readableAtSubmit.get(i)).isEqualTo(seen.get(i).op() == BlockIo.OP_READ ? 0 : QueueDriver.BLOCK);
        }
        assertThat(offsets.stream().distinct().count()).as("offsets spread over the volume").isGreaterThan(BLOCKS / 2);
    }

    @Test
    void shouldFailWhenAnIoFails() {
        BlockStore failing = new InlineStore() {
            @Override
            public void submit(BlockIo io) {
                io.complete(IoStatus.INTERNAL_ERROR);
            }
        };
        QueueDriver driver = new QueueDriver(failing, BlockIo.OP_WRITE, 1, BLOCKS, payloads(1), 1);
        driver.runOne();
        // The measured I/O's status is checked when it is reaped, at the start of the next call.
        assertThatThrownBy(driver::runOne).isInstanceOf(IllegalStateException.class).hasMessageContaining("status");
    }

    private static ByteBuf[] payloads(int n) {
        ByteBuf[] data = new ByteBuf[n];
        for (int i = 0; i < n; i++) {
            data[i] = Unpooled.buffer(QueueDriver.BLOCK).writeZero(QueueDriver.BLOCK);
        }
        return data;
    }

    /** Completes every I/O on its own thread, in submission order, and records how many were outstanding at most. */
    private static final class AsyncStore extends InlineStore {
        final LinkedBlockingQueue<BlockIo> queue = new LinkedBlockingQueue<>();
        final AtomicInteger inFlight = new AtomicInteger();
        volatile int maxInFlight;
        volatile long completed;
        private final Thread completer = Thread.ofPlatform().daemon().start(this::completeAll);

        @Override
        public void submit(BlockIo io) {
            maxInFlight = Math.max(maxInFlight, inFlight.incrementAndGet());
            queue.add(io);
        }

        private void completeAll() {
            try {
                while (true) {
                    BlockIo io = queue.poll(10, TimeUnit.SECONDS);
                    if (io == null) {
                        return;
                    }
                    inFlight.decrementAndGet();
                    completed++;
                    io.complete(IoStatus.OK);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            completer.interrupt();
        }
    }

    private abstract static class InlineStore implements BlockStore {
        @Override
        public long capacityBytes() {
            return BLOCKS * QueueDriver.BLOCK;
        }

        @Override
        public int blockSize() {
            return QueueDriver.BLOCK;
        }

        @Override
        public boolean volatileWriteCache() {
            return false;
        }

        @Override
        public long allocatedBytes() {
            return 0;
        }

        @Override
        public void close() {
        }
    }
}
