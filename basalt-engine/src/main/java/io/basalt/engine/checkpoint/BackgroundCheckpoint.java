package io.basalt.engine.checkpoint;

import io.basalt.engine.gc.SegmentTable;

import java.io.IOException;

/**
 * Writes one checkpoint at a time on a thread of its own, so the engine thread pauses only to
 * freeze the state ({@link Checkpoints}), not to serialise and write the maps. The engine thread
 * hands over a frozen state by starting the thread (a happens-before edge: everything frozen is
 * visible to it) and learns of the end through one volatile flag, read once per engine turn; the
 * checkpoint thread then wakes it. No lock is taken.
 *
 * <p>Threads: {@link #start}, {@link #inFlight}, {@link #finished}, {@link #await}, {@link #take}
 * and {@link #failure} are called by the engine thread only ({@link #await} also by the pool after the engine
 * thread ended). The frozen state must not change while {@link #inFlight}.
 *
 * <p>Durability invariant: as {@link Checkpointer#write} — a checkpoint counts only once {@link
 * #take} returned it with no {@link #failure}; until then the other slot holds the last durable one.
 */
public final class BackgroundCheckpoint {
    /** The checkpoint thread's name starts so (tests recognise its device operations by it). */
    public static final String THREAD_PREFIX = "basalt-checkpoint-write-";
    private final Checkpointer checkpointer;
    private final String name;
    /** Wakes the engine thread when a write ended (it may be parked, idle). */
    private final Runnable wakeEngine;
    /** Engine thread: the checkpoint being written, null if none. */
    private CheckpointState job;
    private Thread thread;
    /** Set last by the checkpoint thread: its write ended, {@link #failure} is final. */
    private volatile boolean done;
    /** What the write threw; published by {@link #done}. */
    private IOException failure;

    BackgroundCheckpoint(Checkpointer checkpointer, String name, Runnable wakeEngine) {
        this.checkpointer = checkpointer;
        this.name = name;
        this.wakeEngine = wakeEngine;
    }

    /** Starts writing {@code frozen} (with the segment table copy {@code segments}); none may be in flight. */
    void start(CheckpointState frozen, SegmentTable segments) {
        if (job != null) {
            throw new IllegalStateException("a checkpoint is already in flight");
        }
        job = frozen;
        done = false;
        failure = null;
        thread = Thread.ofPlatform().name(THREAD_PREFIX + name).daemon().unstarted(() -> run(frozen, segments));
        thread.start();
    }

    private void run(CheckpointState frozen, SegmentTable segments) {
        try {
            checkpointer.write(frozen, segments);
        } catch (IOException e) {
            failure = e;
        } catch (RuntimeException | Error e) {
            failure = new IOException("checkpoint thread failed", e);
        } finally {
            done = true;
            wakeEngine.run();
        }
    }

    /** Whether a checkpoint was started and not yet {@link #take taken}. */
    boolean inFlight() {
        return job != null;
    }

    /** Whether the checkpoint in flight has ended (written or failed): {@link #take} will not wait. */
    boolean finished() {
        return job != null && done;
    }

    /** Waits until the checkpoint in flight, if any, has ended. */
    void await() {
        Thread t = thread;
        if (job == null || t == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the checkpoint in flight, waiting for its write if needed, and returns it; null if none was. */
    CheckpointState take() {
        await();
        CheckpointState cp = job;
        job = null;
        thread = null;
        return cp;
    }

    /** What the write of the checkpoint last {@link #take taken} threw; null if it was written and synced. */
    IOException failure() {
        return failure;
    }
}
