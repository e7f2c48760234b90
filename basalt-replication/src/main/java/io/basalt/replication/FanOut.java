package io.basalt.replication;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.netty.buffer.ByteBuf;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One host operation on the primary, sent to the local store and to every in-sync replica at once,
 * and completed once all have answered — OK only if all said OK and, at that moment, this brick
 * still has the authority to acknowledge under the plan's epoch. Pooled: a fan-out, its legs and its
 * countdown are reused, so an operation allocates nothing.
 *
 * <p>The countdown holds one count per leg that will answer, plus one for the dispatch itself, so a
 * leg answering inline cannot finish the operation before every leg is sent. Legs write their
 * outcome into plain fields before counting down (only ever setting a flag, never clearing one, as
 * legs answer on several threads at once); the last count down reads them.
 */
final class FanOut {
    private final ReplicatedStore store;
    private final Leg local = new Leg(this);
    private final Leg[] replicas;
    private final AtomicInteger pending = new AtomicInteger();

    /** The host's operation (set by the store before {@link #start}). */
    BlockIo host;
    /** The next write parked at the closed gate ({@link WriteGate}). */
    FanOut nextParked;

    private Routing routing;
    private int replicaCount;
    private boolean gated;
    private int localStatus;
    private boolean deposed;
    private boolean refused;

    FanOut(ReplicatedStore store, int maxReplicas) {
        this.store = store;
        this.replicas = new Leg[maxReplicas];
        for (int i = 0; i < maxReplicas; i++) {
            replicas[i] = new Leg(this);
        }
    }

    /** Sends the operation everywhere it must go. {@code gated}: it entered the write gate. */
    void start(Routing r, boolean gated) {
        this.routing = r;
        this.gated = gated;
        this.localStatus = IoStatus.OK;
        this.deposed = false;
        this.refused = false;
        this.replicaCount = 0;
        // A deposed primary, or one whose lease lapsed (frozen, cut off from etcd), must not even touch
        // its own copy: a write it applied and then refused would leave that copy different from the
        // new primary's in a range the new primary never wrote, and so never resyncs.
        if (!r.primary() || !store.mayAcknowledge(r.epoch())) {
            finish(IoStatus.PATH_UNAVAILABLE);
            return;
        }
        boolean read = host.op() == BlockIo.OP_READ;
        Member[] members = r.members();
        int n = read ? 0 : members.length;
        int answering = 1;
        for (int i = 0; i < n; i++) {
            Leg leg = replicas[i];
            Member m = members[i];
            leg.member = m;
            leg.failed = false;
            int state = m.state();
            if (state == Member.REFUSED) {
                finish(IoStatus.PATH_UNAVAILABLE);
                return;
            }
            leg.mode = state == Member.IN_SYNC ? Leg.SEND : state == Member.DROPPING ? Leg.PARK : Leg.TRACK;
            if (leg.mode != Leg.TRACK) {
                answering++;
            }
        }
        replicaCount = n;
        pending.set(answering + 1);
        store.local().submit(local);
        long epoch = r.epoch();
        for (int i = 0; i < n; i++) {
            Leg leg = replicas[i];
            if (leg.mode == Leg.SEND) {
                leg.member.link.submit(leg, epoch);
            } else if (leg.mode == Leg.PARK) {
                int now = leg.member.awaitDrop(leg);
                if (now != Member.PARKED) {
                    dropDecided(now);
                }
            }
        }
        countDown();
    }

    /** A leg answered (any thread). */
    void legDone(Leg leg, int status) {
        if (leg == local) {
            localStatus = status;
        } else if (status == IoStatus.PATH_UNAVAILABLE) {
            deposed = true;
        } else if (status != IoStatus.OK) {
            leg.failed = true;
            int now = leg.member.failed(leg, routing.epoch());
            if (now == Member.PARKED) {
                return;
            }
            if (now != IoStatus.OK) {
                refused = true;
            }
        }
        countDown();
    }

    /** A drop a leg waited on was decided (any thread). */
    void dropDecided(int status) {
        if (status != IoStatus.OK) {
            refused = true;
        }
        countDown();
    }

    private void countDown() {
        if (pending.decrementAndGet() == 0) {
            finish(verdict());
        }
    }

    private int verdict() {
        if (localStatus != IoStatus.OK) {
            return localStatus;
        }
        if (deposed || refused) {
            return IoStatus.PATH_UNAVAILABLE;
        }
        return store.mayAcknowledge(routing.epoch()) ? IoStatus.OK : IoStatus.PATH_UNAVAILABLE;
    }

    private void finish(int status) {
        if (changesData(host.op())) {
            markMissed();
        }
        BlockIo h = host;
        boolean wasGated = gated;
        host = null;
        routing = null;
        for (int i = 0; i < replicaCount; i++) {
            replicas[i].member = null;
        }
        replicaCount = 0;
        store.release(this, wasGated);
        h.complete(status);
    }

    /** Marks the range in every replica that did not take the operation (skipped or failed). */
    private void markMissed() {
        for (int i = 0; i < replicaCount; i++) {
            Leg leg = replicas[i];
            if (leg.mode != Leg.SEND || leg.failed) {
                markRange(leg.member.changed);
            }
        }
    }

    private void markRange(ChangedRegions changed) {
        if (host.op() != BlockIo.OP_DEALLOCATE) {
            changed.mark(host.offset(), host.length());
            return;
        }
        ByteBuf ranges = host.buffer();
        int at = ranges.readerIndex();
        for (int i = 0; i < host.length(); i++, at += 2 * Long.BYTES) {
            changed.mark(ranges.getLong(at), ranges.getLong(at + Long.BYTES));
        }
    }

    static boolean changesData(int op) {
        return op == BlockIo.OP_WRITE || op == BlockIo.OP_WRITE_ZEROES || op == BlockIo.OP_DEALLOCATE;
    }
}
