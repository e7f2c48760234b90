package io.basalt.replication;

import io.basalt.block.IoStatus;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One other brick's replica as the primary's fan-out sees it: whether writes go to it, and the
 * regions it has missed since it stopped getting them.
 *
 * <p>States: {@link #IN_SYNC} (every write goes to it) → {@link #DROPPING} (a write failed on it; its
 * drop from the in-sync set is being recorded, writes skip it and wait for the record) →
 * {@link #OUT} (recorded: writes skip it, their regions are marked) or {@link #REFUSED} (the record
 * was refused: nothing may be acknowledged until a new plan comes). A resync turns {@link #OUT} back
 * into {@link #IN_SYNC} with the write gate closed.
 *
 * <p>Writes waiting on the drop park their leg on a lock-free stack; the drop's outcome replaces the
 * stack with a sentinel, and completes every leg it took off.
 */
final class Member {
    static final int IN_SYNC = 0;
    static final int DROPPING = 1;
    static final int OUT = 2;
    static final int REFUSED = 3;

    /** A leg pushed on the stack: the drop's outcome will complete it. */
    static final int PARKED = -1;

    private static final Leg RECORDED = new Leg(null);
    private static final Leg NOT_RECORDED = new Leg(null);

    final String brick;
    final ChangedRegions changed;
    private final AtomicInteger state;
    private final AtomicReference<Leg> waiting = new AtomicReference<>();
    private final Recording recording;
    volatile ReplicaLink link;
    /** The resync running for it, if any (control threads only). */
    Resync resync;

    Member(ReplicaLink link, int initialState, ChangedRegions changed, Recording recording) {
        this.brick = link.brick();
        this.link = link;
        this.changed = changed;
        this.recording = recording;
        this.state = new AtomicInteger(initialState);
        if (initialState == OUT) {
            waiting.set(RECORDED);
        }
    }

    int state() {
        return state.get();
    }

    /**
     * A write failed on this replica: starts its drop if this is the first failure, and parks the
     * leg until the drop is recorded.
     *
     * @return {@link #PARKED}, or the status the leg ends with at once (the drop already decided)
     */
    int failed(Leg leg, long epoch) {
        if (state.compareAndSet(IN_SYNC, DROPPING)) {
            recording.drop(this, epoch);
        }
        return awaitDrop(leg);
    }

    /**
     * Parks {@code leg} until the drop in flight is decided.
     *
     * @return {@link #PARKED}, or the status the leg ends with at once
     */
    int awaitDrop(Leg leg) {
        while (true) {
            Leg top = waiting.get();
            if (top == RECORDED) {
                return IoStatus.OK;
            }
            if (top == NOT_RECORDED) {
                return IoStatus.PATH_UNAVAILABLE;
            }
            leg.nextWaiting = top;
            if (waiting.compareAndSet(top, leg)) {
                return PARKED;
            }
        }
    }

    /** The drop's outcome: completes every parked leg. Any thread, once per drop. */
    void dropDecided(boolean recorded) {
        state.set(recorded ? OUT : REFUSED);
        Leg leg = waiting.getAndSet(recorded ? RECORDED : NOT_RECORDED);
        int status = recorded ? IoStatus.OK : IoStatus.PATH_UNAVAILABLE;
        while (leg != null && leg != RECORDED && leg != NOT_RECORDED) {
            Leg next = leg.nextWaiting;
            leg.nextWaiting = null;
            leg.dropDecided(status);
            leg = next;
        }
    }

    /**
     * The record now lists the replica out of sync (a plan says so): writes skip it and mark what it
     * misses. Tracking starts now: while it was in sync here it got every write.
     */
    void recordedOut() {
        if (state.compareAndSet(IN_SYNC, OUT) || state.compareAndSet(REFUSED, OUT)) {
            dropDecided(true);
        }
    }

    /** A plan lists the replica in sync after its drop was refused: writes try it again. */
    void retryAfterRefusal() {
        if (state.get() == REFUSED) {
            waiting.set(null);
            state.set(IN_SYNC);
        }
    }

    /** The resync made it whole and the rejoin was recorded; only with the write gate closed and drained. */
    void rejoined() {
        waiting.set(null);
        state.set(IN_SYNC);
    }
}
