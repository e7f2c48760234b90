package io.basalt.replication;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Records drops and rejoins as revisions of a counter; the test may refuse them or hold them. */
final class FakeRecorder implements InSyncRecorder {
    final AtomicLong revision = new AtomicLong();
    final List<String> drops = new CopyOnWriteArrayList<>();
    final List<String> rejoins = new CopyOnWriteArrayList<>();
    volatile boolean refuse;
    /** When set, drops return this future (the test completes it). */
    volatile CompletableFuture<Long> heldDrop;

    @Override
    public CompletableFuture<Long> drop(String brick, long epoch) {
        drops.add(brick);
        CompletableFuture<Long> held = heldDrop;
        if (held != null) {
            return held;
        }
        return CompletableFuture.completedFuture(refuse ? REFUSED : revision.incrementAndGet());
    }

    @Override
    public CompletableFuture<Long> rejoin(String brick, long epoch) {
        rejoins.add(brick);
        return CompletableFuture.completedFuture(refuse ? REFUSED : revision.incrementAndGet());
    }
}
