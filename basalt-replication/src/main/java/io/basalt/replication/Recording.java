package io.basalt.replication;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's side of the {@link InSyncRecorder}: starts drops and rejoins, and remembers the newest
 * record revision they produced so that {@link ReplicatedStore#apply} can tell a stale plan.
 */
final class Recording {
    private final InSyncRecorder recorder;
    private final ReplicationListener listener;
    private final AtomicLong newestCaused = new AtomicLong(Long.MIN_VALUE);

    Recording(InSyncRecorder recorder, ReplicationListener listener) {
        this.recorder = recorder;
        this.listener = listener;
    }

    /** The newest revision a drop or rejoin of this store produced. */
    long newestCaused() {
        return newestCaused.get();
    }

    /** Records the drop of {@code member}, then decides every write waiting on it. */
    void drop(Member member, long epoch) {
        CompletableFuture<Long> f;
        try {
            f = recorder.drop(member.brick, epoch);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((revision, error) -> {
            boolean recorded = error == null && revision != null && revision >= 0;
            if (recorded) {
                caused(revision);
            }
            listener.replicaDropped(member.brick, epoch, recorded);
            member.dropDecided(recorded);
        });
    }

    /**
     * Records that the replica rejoined; waits at most {@code timeoutNanos}.
     *
     * @return whether it was recorded
     */
    boolean rejoin(String brick, long epoch, long timeoutNanos) {
        try {
            Long revision = recorder.rejoin(brick, epoch).get(timeoutNanos, TimeUnit.NANOSECONDS);
            if (revision == null || revision < 0) {
                return false;
            }
            caused(revision);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private void caused(long revision) {
        newestCaused.accumulateAndGet(revision, Math::max);
    }
}
