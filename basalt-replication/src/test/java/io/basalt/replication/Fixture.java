package io.basalt.replication;

import io.basalt.block.testing.HostIo;
import io.basalt.block.BlockStore;
import io.basalt.block.IoStatus;
import io.basalt.block.testing.MemoryBlockStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/** A primary's fan-out store over a memory store, with replicas behind fake links. */
final class Fixture implements AutoCloseable {
    static final long CAPACITY = 1024 * 1024;
    static final int REGION = 16 * 1024;
    static final long EPOCH = 7;

    final MemoryBlockStore local = new MemoryBlockStore(CAPACITY, 4096);
    final EpochFence fence = new EpochFence(EPOCH);
    final AtomicBoolean authority = new AtomicBoolean(true);
    final FakeRecorder recorder = new FakeRecorder();
    final List<FakeLink> links = new ArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<ResyncProgress> done = new CopyOnWriteArrayList<>();
    final ReplicatedStore store;

    Fixture(int replicas, Executor answerOn) {
        this(replicas, answerOn, s -> s);
    }

    Fixture(int replicas, Executor answerOn, UnaryOperator<ReplicationSettings> tune) {
        for (int i = 0; i < replicas; i++) {
            links.add(new FakeLink("b" + (i + 1), CAPACITY, EPOCH, answerOn));
        }
        ReplicationSettings settings = tune.apply(ReplicationSettings.defaults().withRegionBytes(REGION)
                .withCopyBytes(4 * REGION).withRetryInterval(Duration.ofMillis(5)).withPoolSize(64));
        store = new ReplicatedStore("vol", local, fence, authority::get, recorder, settings, new ReplicationListener() {
            @Override
            public void replicaDropped(String brick, long epoch, boolean recorded) {
                events.add("dropped " + brick + " " + recorded);
            }

            @Override
            public void resyncDone(ResyncProgress progress) {
                done.add(progress);
                events.add("resynced " + progress.brick());
            }

            @Override
            public void resyncCancelled(ResyncProgress progress) {
                events.add("resync cancelled " + progress.brick());
            }

            @Override
            public void resyncFailed(ResyncProgress progress, String reason) {
                events.add("resync failed " + progress.brick() + ": " + reason);
            }
        });
    }

    Fixture(int replicas) {
        this(replicas, FakeLink.INLINE);
    }

    /** The plan with {@code out} listed out of sync and every other link in sync, at the recorder's revision. */
    ReplicaPlan plan(FakeLink... out) {
        List<ReplicaLink> in = new ArrayList<>(links);
        in.removeAll(List.of(out));
        return new ReplicaPlan(true, EPOCH, in, List.of(out), recorder.revision.get());
    }

    FakeLink link(int i) {
        return links.get(i);
    }

    int write(long offset, int length, int fill) throws Exception {
        HostIo io = HostIo.write(offset, length, fill);
        store.submit(io);
        return io.await();
    }

    static byte[] contents(BlockStore s) throws Exception {
        HostIo read = HostIo.read(0, (int) s.capacityBytes());
        s.submit(read);
        if (read.await() != IoStatus.OK) {
            throw new AssertionError("read failed");
        }
        byte[] out = new byte[(int) s.capacityBytes()];
        read.buffer().getBytes(0, out);
        return out;
    }

    /** Polls {@code condition} until it holds or 10 s pass. */
    static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    boolean resyncDone(String brick) {
        return store.resyncs().stream().anyMatch(p -> p.brick().equals(brick) && p.state() == ResyncProgress.State.DONE);
    }

    ResyncProgress progress(String brick) {
        return store.resyncs().stream().filter(p -> p.brick().equals(brick)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        store.close();
    }
}
