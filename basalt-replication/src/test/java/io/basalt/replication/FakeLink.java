package io.basalt.replication;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.block.testing.MemoryBlockStore;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A replica in memory behind its own epoch fence, as a replication server would apply what the
 * primary sends: the test decides whether it answers, fails, holds operations, or is disconnected,
 * and on which thread it answers.
 */
final class FakeLink implements ReplicaLink {
    enum Mode { ANSWER, FAIL, HOLD }

    static final Executor INLINE = Runnable::run;

    final String brick;
    final MemoryBlockStore store;
    final EpochFence fence;
    final AtomicInteger submitted = new AtomicInteger();
    private final ConcurrentLinkedQueue<Object[]> held = new ConcurrentLinkedQueue<>();
    private final Executor answerOn;
    /** Answers on the submitting thread without a task (so a test can count allocations). */
    private final boolean inline;
    volatile Mode mode = Mode.ANSWER;
    volatile boolean connected = true;

    FakeLink(String brick, long capacity, long epoch, Executor answerOn) {
        this.brick = brick;
        this.store = new MemoryBlockStore(capacity, 4096);
        this.fence = new EpochFence(epoch);
        this.answerOn = answerOn;
        this.inline = answerOn == INLINE;
    }

    FakeLink(String brick, long capacity, long epoch) {
        this(brick, capacity, epoch, INLINE);
    }

    @Override
    public String brick() {
        return brick;
    }

    @Override
    public boolean connected() {
        return connected;
    }

    @Override
    public void submit(BlockIo io, long epoch) {
        submitted.incrementAndGet();
        switch (mode) {
            case FAIL -> answerOn.execute(() -> io.complete(IoStatus.WRITE_ERROR));
            case HOLD -> held.add(new Object[] {io, epoch});
            case ANSWER -> {
                if (inline) {
                    apply(io, epoch);
                } else {
                    answerOn.execute(() -> apply(io, epoch));
                }
            }
        }
    }

    /** Answers every held operation as the replica would now. */
    void releaseHeld() {
        for (Object[] h; (h = held.poll()) != null; ) {
            apply((BlockIo) h[0], (Long) h[1]);
        }
    }

    /** Fails every held operation as a broken connection would. */
    void failHeld() {
        for (Object[] h; (h = held.poll()) != null; ) {
            ((BlockIo) h[0]).complete(IoStatus.WRITE_ERROR);
        }
    }

    int heldCount() {
        return held.size();
    }

    private void apply(BlockIo io, long epoch) {
        if (!fence.admit(epoch)) {
            io.complete(IoStatus.PATH_UNAVAILABLE);
            return;
        }
        store.submit(io);
    }

    @Override
    public void close() {
    }
}
