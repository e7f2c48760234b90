package io.basalt.replication;

import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A volume's store on a brick that holds one of its replicas: the brick's local store, wrapped so that
 * when this brick is the volume's primary every write reaches the local store and every in-sync
 * replica, and is acknowledged only when all hold it.
 *
 * <p><b>Roles.</b> The daemon keeps one per replicated volume and calls {@link #apply} with a
 * {@link ReplicaPlan} on every change of the volume's record. Not primary: every host operation
 * completes {@link io.basalt.block.IoStatus#PATH_UNAVAILABLE}. Primary: reads are served by the local
 * store; writes, write-zeroes, deallocates and flushes go to the local store and to every in-sync
 * replica's link at once, stamped with the plan's epoch.
 *
 * <p><b>Acknowledgement invariant.</b> A host operation completes OK only when the local store and every
 * replica it was sent to answered OK, or the replicas that failed were recorded out of sync by the
 * {@link InSyncRecorder} before — and, at that moment, {@link PrimaryAuthority#valid()} holds and the
 * {@link EpochFence} still knows no epoch newer than the plan's. A replica answering
 * PATH_UNAVAILABLE means another brick is primary: the operation completes PATH_UNAVAILABLE. A local
 * failure completes with the local status.
 *
 * <p><b>Failed replicas.</b> The first failure on a replica starts one drop; the writes that failed on
 * it, and those arriving while the drop is recorded (which skip it), wait for the record, and complete
 * OK only if it was recorded. From then on its missed regions are tracked ({@link ChangedRegions});
 * when a plan lists it out of sync, a {@link Resync} copies them and has it rejoin. A replica listed
 * out of sync that this store has no tracking for (it became primary since) is copied whole — except
 * the plan's former primary, deposed when this store's epoch began: if this store saw that epoch
 * begin, it has tracked every write the former primary lacks from its first write on.
 *
 * <p>Per operation: no lock and no allocation (pooled {@link FanOut}s, atomic counters, one volatile
 * read of the current {@link Routing}).
 */
public final class ReplicatedStore implements BlockStore {
    private final String volume;
    private final BlockStore local;
    private final EpochFence fence;
    private final PrimaryAuthority authority;
    private final Recording recording;
    private final ReplicationSettings settings;
    private final ReplicationListener listener;
    private final FanOutPool pool;
    private final WriteGate gate = new WriteGate(this::resume);
    /** One closer of the gate at a time: a resync's final copy, or a verify's chunk. */
    private final ReentrantLock gateOwner = new ReentrantLock();
    private volatile Routing routing = Routing.NONE;
    private boolean closed;

    /**
     * @param volume    the volume's name (for thread names and reports)
     * @param local     this brick's copy of the volume; closed with this store
     * @param fence     the volume's epoch fence, shared with this brick's replication server
     * @param authority whether this brick may acknowledge (its lease is valid)
     * @param recorder  records drops and rejoins in the cluster's record of the volume
     * @param settings  tracking granularity, resync rate and the like
     * @param listener  hears drops and resync progress
     */
    public ReplicatedStore(String volume, BlockStore local, EpochFence fence, PrimaryAuthority authority,
                           InSyncRecorder recorder, ReplicationSettings settings, ReplicationListener listener) {
        this.volume = volume;
        this.local = local;
        this.fence = fence;
        this.authority = authority;
        this.settings = settings;
        this.listener = listener;
        this.recording = new Recording(recorder, listener);
        this.pool = new FanOutPool(settings.poolSize(), () -> new FanOut(this, settings.maxReplicas()));
    }

    /**
     * Takes the role the cluster's record gives this brick. Plans are ignored when built from a record
     * older than the newest one this store changed itself (a drop or rejoin it recorded), so a
     * late-arriving plan cannot undo them. The daemon does not need to serialise calls.
     *
     * <p>Links in the plan stay the daemon's: the store neither opens nor closes them.
     *
     * @return whether the plan was taken
     */
    public synchronized boolean apply(ReplicaPlan plan) {
        if (closed || plan.recordRevision() < recording.newestCaused()) {
            return false;
        }
        int total = plan.inSync().size() + plan.outOfSync().size();
        if (total > settings.maxReplicas()) {
            throw new IllegalArgumentException("plan lists " + total + " replicas, at most " + settings.maxReplicas());
        }
        Routing old = routing;
        if (!plan.primary()) {
            routing = new Routing(false, plan.epoch(), new Member[0]);
            cancelResyncs(old, routing);
            return true;
        }
        fence.admit(plan.epoch());
        // Tracking carries over only while this brick stays primary under the same epoch: another
        // primary may have written anything in between.
        boolean continuing = old.primary() && old.epoch() == plan.epoch();
        Member[] members = new Member[total];
        int i = 0;
        for (ReplicaLink link : plan.inSync()) {
            Member m = continuing ? old.find(link.brick()) : null;
            if (m == null) {
                m = new Member(link, Member.IN_SYNC, newTracking(), recording);
            } else {
                m.link = link;
                m.retryAfterRefusal();
            }
            members[i++] = m;
        }
        // This store saw the epoch begin (it was a secondary before): it has tracked every write of the
        // epoch, so the former primary — which held every write before the epoch — lacks only those.
        boolean sawEpochBegin = old != Routing.NONE && !old.primary() && old.epoch() < plan.epoch();
        for (ReplicaLink link : plan.outOfSync()) {
            Member m = continuing ? old.find(link.brick()) : null;
            if (m == null) {
                ChangedRegions tracking = newTracking();
                if (!(sawEpochBegin && link.brick().equals(plan.former()))) {
                    tracking.markAll();
                }
                m = new Member(link, Member.OUT, tracking, recording);
            } else {
                m.link = link;
                m.recordedOut();
            }
            members[i++] = m;
        }
        Routing next = new Routing(true, plan.epoch(), members);
        routing = next;
        cancelResyncs(old, next);
        for (int k = plan.inSync().size(); k < members.length; k++) {
            Member m = members[k];
            // A drop still being recorded counts: the watch may deliver its record before its reply.
            boolean out = m.state() == Member.OUT || m.state() == Member.DROPPING;
            if (out && (m.resync == null || m.resync.ended())) {
                m.resync = new Resync(this, m, plan.epoch(), settings, listener);
                m.resync.start("basalt-resync-" + volume + "-" + m.brick);
            }
        }
        return true;
    }

    /** The progress of every resync this store runs or last ran, one per replica out of sync or resynced. */
    public List<ResyncProgress> resyncs() {
        List<ResyncProgress> out = new ArrayList<>();
        for (Member m : routing.members()) {
            Resync r = m.resync;
            if (r != null) {
                out.add(r.progress());
            }
        }
        return out;
    }

    /**
     * Compares this primary's data with every in-sync replica's, chunk by chunk (CRC32C of each
     * {@link ReplicationSettings#copyBytes()} chunk, read locally and through the link), closing the
     * write gate for each chunk's reads so that a write in flight cannot fake a difference. Runs on a
     * thread of its own.
     */
    public CompletableFuture<VerifyReport> verify() {
        CompletableFuture<VerifyReport> result = new CompletableFuture<>();
        Routing r = routing;
        Thread.ofVirtual().name("basalt-verify-" + volume).start(() -> {
            try {
                result.complete(new Verify(this, r, settings).run());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    @Override
    public void submit(BlockIo io) {
        FanOut f = pool.take();
        f.host = io;
        if (io.op() == BlockIo.OP_READ) {
            f.start(routing, false);
        } else if (gate.enter(f)) {
            f.start(routing, true);
        }
    }

    @Override
    public long capacityBytes() {
        return local.capacityBytes();
    }

    @Override
    public int blockSize() {
        return local.blockSize();
    }

    @Override
    public boolean volatileWriteCache() {
        return local.volatileWriteCache();
    }

    @Override
    public long allocatedBytes() {
        return local.allocatedBytes();
    }

    /** Fan-outs made beyond the pool: host operations in flight beyond {@link ReplicationSettings#poolSize()}. */
    public long poolMisses() {
        return pool.misses();
    }

    /** Stops serving (every later operation completes PATH_UNAVAILABLE), stops resyncs, closes the local store. */
    @Override
    public void close() {
        Routing old;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            old = routing;
            routing = Routing.NONE;
        }
        for (Member m : old.members()) {
            if (m.resync != null) {
                m.resync.cancelAndWait(settings.gateTimeout().toNanos());
            }
        }
        local.close();
    }

    BlockStore local() {
        return local;
    }

    Routing routing() {
        return routing;
    }

    boolean mayAcknowledge(long epoch) {
        return authority.valid() && fence.current() == epoch;
    }

    Recording recording() {
        return recording;
    }

    void release(FanOut f, boolean gated) {
        pool.give(f);
        if (gated) {
            gate.exit();
        }
    }

    /**
     * Closes the write gate and waits until no write is in flight. On true the caller owns the gate
     * and must {@link #openGate()} (same thread).
     */
    boolean closeGate(long timeoutNanos) throws InterruptedException {
        if (!gateOwner.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
            return false;
        }
        try {
            gate.close().get(timeoutNanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            openGate();
            return false;
        } catch (InterruptedException e) {
            openGate();
            throw e;
        }
    }

    void openGate() {
        gate.open();
        gateOwner.unlock();
    }

    private void resume(FanOut f) {
        if (gate.enter(f)) {
            f.start(routing, true);
        }
    }

    private ChangedRegions newTracking() {
        return new ChangedRegions(local.capacityBytes(), settings.regionBytes());
    }

    private static void cancelResyncs(Routing old, Routing next) {
        for (Member m : old.members()) {
            if (m.resync != null && next.find(m.brick) != m) {
                m.resync.cancel();
            }
        }
    }
}
