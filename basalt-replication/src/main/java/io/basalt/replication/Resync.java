package io.basalt.replication;

import io.basalt.block.IoStatus;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Brings one out-of-sync replica back: copies every region its {@link ChangedRegions} marks from the
 * primary's local store to the replica's link while host I/O goes on (a host write meanwhile marks its
 * regions again), pass after pass until few remain; then closes the write gate, copies the rest,
 * records the rejoin and adds the replica to the fan-out before opening the gate again — so no write
 * is acknowledged that the rejoined replica lacks, and the host waits only for the last copies and
 * one record.
 *
 * <p>Copies are paced by {@link ReplicationSettings#resyncBytesPerSecond()} (except the final ones,
 * made with writes parked), and {@link ReplicationSettings#copiesInFlight()} are in flight at once. A
 * region is unmarked just before it is read, and re-marked if its copy fails, so tracking is never
 * lost: a failed resync waits {@link ReplicationSettings#retryInterval()} (and for the link to connect)
 * and starts again, until it succeeds or is cancelled.
 *
 * <p>Runs on a thread of its own; the copies complete on the stores' threads.
 */
final class Resync implements Runnable {
    private final ReplicatedStore store;
    private final Member member;
    private final long epoch;
    private final ReplicationSettings settings;
    private final ReplicationListener listener;
    private final ArrayBlockingQueue<Copy> idle;
    private final RateLimit rate;
    private final AtomicLong bytesCopied = new AtomicLong();
    private volatile Thread thread;
    private volatile boolean cancelled;
    private volatile boolean ended;
    private volatile String failure;
    private volatile ResyncProgress.State state = ResyncProgress.State.WAITING;
    private volatile long regionsTotal;
    private volatile long lastPauseNanos;

    Resync(ReplicatedStore store, Member member, long epoch, ReplicationSettings settings,
           ReplicationListener listener) {
        this.store = store;
        this.member = member;
        this.epoch = epoch;
        this.settings = settings;
        this.listener = listener;
        this.idle = new ArrayBlockingQueue<>(settings.copiesInFlight());
        for (int i = 0; i < settings.copiesInFlight(); i++) {
            idle.add(new Copy(this, settings.copyBytes()));
        }
        this.rate = new RateLimit(settings.resyncBytesPerSecond(), TimeUnit.MILLISECONDS.toNanos(10), System.nanoTime());
    }

    void start(String threadName) {
        thread = Thread.ofVirtual().name(threadName).start(this);
    }

    /** Stops the resync soon (its tracking stays with the member). */
    void cancel() {
        cancelled = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    void cancelAndWait(long timeoutNanos) {
        cancel();
        Thread t = thread;
        if (t != null) {
            try {
                t.join(java.time.Duration.ofNanos(timeoutNanos));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the resync has finished, for good or cancelled: a new one may start. */
    boolean ended() {
        return ended;
    }

    ResyncProgress progress() {
        return new ResyncProgress(member.brick, state, regionsTotal, member.changed.count(),
                member.changed.regionBytes(), bytesCopied.get(), lastPauseNanos);
    }

    @Override
    public void run() {
        try {
            while (!cancelled) {
                int s = member.state();
                if (s == Member.IN_SYNC || s == Member.REFUSED) {
                    return;
                }
                if (s == Member.DROPPING || !member.link.connected()) {
                    state = ResyncProgress.State.WAITING;
                    sleep(settings.retryInterval().toNanos());
                    continue;
                }
                String why = attempt();
                if (why == null) {
                    state = ResyncProgress.State.DONE;
                    listener.resyncDone(progress());
                    return;
                }
                if (cancelled) {
                    break;
                }
                state = ResyncProgress.State.FAILED;
                listener.resyncFailed(progress(), why);
                sleep(settings.retryInterval().toNanos());
            }
        } catch (InterruptedException e) {
            // cancelled
        } finally {
            ended = true;
            if (state != ResyncProgress.State.DONE) {
                state = ResyncProgress.State.CANCELLED;
                listener.resyncCancelled(progress());
            }
        }
    }

    /** One try: returns null once the replica rejoined, or why not. */
    private String attempt() throws InterruptedException {
        failure = null;
        state = ResyncProgress.State.COPYING;
        regionsTotal = member.changed.count();
        listener.resyncStarted(progress());
        for (int pass = 0; pass < settings.maxPasses() && member.changed.count() > settings.finalRegions(); pass++) {
            String why = copyPass(true);
            if (why != null) {
                return why;
            }
            listener.resyncProgress(progress());
        }
        long timeout = settings.gateTimeout().toNanos();
        // The replica must answer before it can count as in sync — even when nothing is left to copy (a
        // frozen brick's socket accepts what it is sent but answers nothing). Asked before the gate
        // closes, so a silent replica never holds host writes.
        String silent = flushReplica(timeout);
        if (silent != null) {
            return silent;
        }
        state = ResyncProgress.State.FINISHING;
        if (!store.closeGate(timeout)) {
            return "writes in flight did not drain within " + settings.gateTimeout();
        }
        long closedAt = System.nanoTime();
        try {
            String why = copyPass(false);
            if (why != null) {
                return why;
            }
            if (cancelled) {
                return "cancelled";
            }
            if (!store.recording().rejoin(member.brick, epoch, timeout)) {
                return "the rejoin of " + member.brick + " was not recorded";
            }
            member.rejoined();
            return null;
        } finally {
            store.openGate();
            lastPauseNanos = System.nanoTime() - closedAt;
        }
    }

    /** Flushes the replica through its link under this epoch; null once it answered OK, or why not. */
    private String flushReplica(long timeoutNanos) throws InterruptedException {
        FlushIo flush = new FlushIo();
        member.link.submit(flush, epoch);
        try {
            int status = flush.status().get(timeoutNanos, TimeUnit.NANOSECONDS);
            return status == IoStatus.OK ? null : status == IoStatus.PATH_UNAVAILABLE
                    ? "the replica knows a newer epoch: this brick is deposed"
                    : "the replica answered a flush with status " + status;
        } catch (java.util.concurrent.TimeoutException e) {
            return "the replica did not answer a flush within " + settings.gateTimeout();
        } catch (java.util.concurrent.ExecutionException e) {
            return "a flush to the replica failed: " + e.getCause();
        }
    }

    /** Copies every marked region once; returns null, or why it stopped. */
    private String copyPass(boolean paced) throws InterruptedException {
        ChangedRegions changed = member.changed;
        int regionBytes = changed.regionBytes();
        int perCopy = settings.copyBytes() / regionBytes;
        long capacity = store.capacityBytes();
        long reportedAt = bytesCopied.get();
        long timeout = settings.gateTimeout().toNanos();
        for (long r = changed.next(0); r >= 0 && failure == null; ) {
            if (cancelled) {
                throw new InterruptedException();
            }
            Copy copy = idle.poll(timeout, TimeUnit.NANOSECONDS);
            if (copy == null) {
                return "a copy took longer than " + settings.gateTimeout();
            }
            changed.clear(r);
            long last = r;
            while (last - r + 1 < perCopy && last + 1 < changed.regions() && changed.clear(last + 1)) {
                last++;
            }
            long offset = r * regionBytes;
            int length = (int) (Math.min(capacity, (last + 1) * regionBytes) - offset);
            if (paced) {
                pace(length);
            }
            copy.start(offset, length);
            if (bytesCopied.get() - reportedAt >= settings.progressBytes()) {
                reportedAt = bytesCopied.get();
                listener.resyncProgress(progress());
            }
            r = changed.next(last + 1);
        }
        // Every copy must be back before the pass ends: one still in flight could land on the replica
        // after a host write to the same blocks once it rejoined, and put old data over new.
        String late = awaitAllCopies(timeout);
        return late != null ? late : failure;
    }

    /** Waits until no copy is in flight: all of them idle at once. Null, or why not. */
    private String awaitAllCopies(long timeoutNanos) throws InterruptedException {
        Copy[] back = new Copy[settings.copiesInFlight()];
        int n = 0;
        try {
            long deadline = System.nanoTime() + timeoutNanos;
            while (n < back.length) {
                Copy copy = idle.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (copy == null) {
                    return "a copy took longer than " + settings.gateTimeout();
                }
                back[n++] = copy;
            }
            return null;
        } finally {
            for (int i = 0; i < n; i++) {
                idle.add(back[i]);
            }
        }
    }

    /** A copy finished (any thread): counts it, or re-marks its regions and stops the pass. */
    void copied(Copy copy, int status, String why) {
        if (status == IoStatus.OK) {
            bytesCopied.addAndGet(copy.length());
        } else {
            member.changed.mark(copy.offset(), copy.length());
            failure = why;
        }
        idle.add(copy);
    }

    private void pace(long bytes) throws InterruptedException {
        long wait = rate.reserve(bytes, System.nanoTime());
        if (wait > 0) {
            sleep(wait);
        }
    }

    private void sleep(long nanos) throws InterruptedException {
        long until = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (cancelled || Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    ReplicatedStore store() {
        return store;
    }

    Member member() {
        return member;
    }

    long epoch() {
        return epoch;
    }
}
