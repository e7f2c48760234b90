package io.basalt.initiator.multipath;

import io.basalt.initiator.BlockQueue;
import io.basalt.initiator.IoCallback;
import io.basalt.initiator.IoQueue;
import io.basalt.initiator.NamespaceInfo;
import io.basalt.initiator.NvmeException;
import io.basalt.initiator.NvmeStatusException;
import io.basalt.initiator.NvmeTransportException;
import io.basalt.nvme.Status;
import io.basalt.nvme.admin.AnaGroupDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One I/O queue across every path of a subsystem: I/O queue {@code i} of each path's controller,
 * all on the same event loop, behind one {@link BlockQueue}. Each I/O goes to the first path
 * where its namespace is ANA optimized (else non-optimized) and connected. When a path answers
 * with a path status (SCT 3: 301h persistent loss, 302h inaccessible, 303h transition; without
 * DNR), times out or loses its connection, the I/O is issued again on another usable path, and the
 * failed path's ANA log is read again; with no usable path the I/O waits, up to
 * {@link MultipathSettings#noPathTimeoutMillis()}, then fails with {@link NoUsablePathException}.
 * Other failures reach the caller as they came.
 *
 * <p>The caller's callback is told once, with the final outcome. Its buffer must stay untouched
 * until then, as for {@link IoQueue}: a retried write sends the same bytes again. Each I/O rides
 * a preallocated {@link PathCommand} (as many as the queue depth); only this queue's event loop
 * touches them, and the path choice reads two volatile fields per path: no lock, no allocation,
 * unless a path fails.
 */
public final class MultipathQueue implements BlockQueue {
    static final int READ = 0;
    static final int WRITE = 1;
    static final int FLUSH = 2;
    /** Status code type bits of a status (bits 10:8) and the type of path related statuses. */
    static final int SCT_MASK = 0x700;
    static final int SCT_PATH = 0x300;
    private static final Logger LOG = LoggerFactory.getLogger(MultipathQueue.class);

    private final int index;
    private final SubsystemPath[] paths;
    private final IoQueue[] queues;
    private final EventLoop loop;
    private final MultipathSettings settings;
    private final long noPathTimeoutNanos;
    private final PathCommand[] free;
    private int freeCount;
    private final PathCommand[] waiting;
    private int waitingCount;
    private ScheduledFuture<?> retryTimer;
    /** Set on the loop when the controller closes: an I/O that finds no path then fails at once. */
    private boolean closing;
    private final long[] issuedPerPath;
    private volatile long failedOver;
    private volatile long reissued;
    private volatile long longestPauseNanos;
    private volatile long noPathFailures;

    MultipathQueue(int index, SubsystemPath[] paths, MultipathSettings settings, int depth) {
        this.index = index;
        this.paths = paths;
        this.settings = settings;
        this.noPathTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(settings.noPathTimeoutMillis());
        this.queues = new IoQueue[paths.length];
        for (int p = 0; p < paths.length; p++) {
            queues[p] = paths[p].controller.ioQueue(index);
        }
        this.loop = queues[0].eventLoop();
        for (IoQueue q : queues) {
            if (q.eventLoop() != loop) {
                throw new IllegalStateException("I/O queue " + index + " of every path must share one event loop:"
                        + " connect every path through one NvmeTcpInitiator");
            }
        }
        this.free = new PathCommand[depth];
        this.waiting = new PathCommand[depth];
        for (int i = 0; i < depth; i++) {
            free[freeCount++] = new PathCommand(this);
        }
        this.issuedPerPath = new long[paths.length];
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    /** Which I/O queue of each path this is (0-based). */
    public int index() {
        return index;
    }

    @Override
    public void read(NamespaceInfo ns, long slba, int nlb, ByteBuf dst, IoCallback cb) {
        submit(READ, ns, slba, nlb, dst, false, cb);
    }

    @Override
    public void write(NamespaceInfo ns, long slba, int nlb, ByteBuf src, boolean fua, IoCallback cb) {
        if (src.readableBytes() < (long) nlb * ns.blockSize()) {
            throw new IllegalArgumentException("write of " + nlb + " blocks needs " + (long) nlb * ns.blockSize()
                    + " readable bytes, " + src.readableBytes() + " given");
        }
        submit(WRITE, ns, slba, nlb, src, fua, cb);
    }

    public void write(NamespaceInfo ns, long slba, int nlb, ByteBuf src, IoCallback cb) {
        write(ns, slba, nlb, src, false, cb);
    }

    @Override
    public void flush(NamespaceInfo ns, IoCallback cb) {
        submit(FLUSH, ns, 0, 1, null, false, cb);
    }

    // ---- statistics (written on the loop, read anywhere) -------------------------------------

    /** I/Os that failed on a path and were issued again (each counted once, however many tries). */
    public long failedOver() {
        return failedOver;
    }

    /** Every issue after the first, across all I/Os. */
    public long reissued() {
        return reissued;
    }

    /** The longest time a failed-over I/O took from its first path failure (or wait) to completion. */
    public long longestPauseNanos() {
        return longestPauseNanos;
    }

    /** I/Os failed with {@link NoUsablePathException}. */
    public long noPathFailures() {
        return noPathFailures;
    }

    /** I/Os issued on each path (first issues and retries), by path index; read after they completed. */
    long issuedOn(int path) {
        return issuedPerPath[path];
    }

    // ---- routing ----------------------------------------------------------------------------

    private void submit(int op, NamespaceInfo ns, long slba, int nlb, ByteBuf data, boolean fua, IoCallback cb) {
        if (nlb < 1 || nlb > 65536) {
            throw new IllegalArgumentException("block count must be 1..65536, not " + nlb);
        }
        if (!loop.inEventLoop()) {
            try {
                loop.execute(() -> submit(op, ns, slba, nlb, data, fua, cb));
            } catch (RejectedExecutionException e) {
                cb.onComplete(new NvmeTransportException("multipath queue " + index + ": event loop is shut down", e), 0);
            }
            return;
        }
        if (freeCount == 0) {
            cb.onComplete(new NvmeTransportException("multipath queue " + index + ": all " + free.length
                    + " commands are in use"), 0);
            return;
        }
        PathCommand c = free[--freeCount];
        c.set(op, ns, slba, nlb, data, fua, cb);
        dispatch(c);
    }

    /** The first connected path where the namespace is optimized, else non-optimized, else -1. */
    private int pick(int nsid) {
        int fallback = -1;
        for (int p = 0; p < paths.length; p++) {
            int state = paths[p].state(nsid);
            if (state == AnaGroupDescriptor.STATE_OPTIMIZED && queues[p].isConnected()) {
                return p;
            }
            if (state == AnaGroupDescriptor.STATE_NON_OPTIMIZED && fallback < 0 && queues[p].isConnected()) {
                fallback = p;
            }
        }
        return fallback;
    }

    private void dispatch(PathCommand c) {
        int p = pick(c.ns.nsid());
        if (p < 0) {
            park(c);
            return;
        }
        c.path = p;
        issuedPerPath[p]++;
        IoQueue q = queues[p];
        try {
            switch (c.op) {
                case READ -> q.read(c.ns, c.slba, c.nlb, c.data, c);
                case WRITE -> q.write(c.ns, c.slba, c.nlb, c.data, c.fua, c);
                default -> q.flush(c.ns, c);
            }
        } catch (RuntimeException e) {
            // An argument this path's controller refuses (e.g. above its MDTS): no retry helps.
            finish(c, new NvmeTransportException("multipath queue " + index + ": " + e.getMessage(), e), 0);
        }
    }

    /** A path's answer, on the loop. */
    void completed(PathCommand c, NvmeException failure, long result) {
        if (failure == null) {
            finish(c, null, result);
            return;
        }
        SubsystemPath path = paths[c.path];
        if (failure instanceof NvmeStatusException s) {
            if (s.doNotRetry() || (s.status() & SCT_MASK) != SCT_PATH) {
                finish(c, failure, 0); // the namespace said no, whatever the path
                return;
            }
            path.learn(c.ns.nsid(), stateOf(s.status()));
        } else {
            path.invalidate(); // a timeout or a lost connection: the path, not the command
        }
        if (!c.paused) {
            c.paused = true;
            c.pauseStart = System.nanoTime();
            failedOver++;
        }
        reissued++;
        dispatch(c);
    }

    private static int stateOf(int status) {
        return switch (status & 0x7FF) {
            case Status.ANA_PERSISTENT_LOSS -> AnaGroupDescriptor.STATE_PERSISTENT_LOSS;
            case Status.ANA_TRANSITION -> AnaGroupDescriptor.STATE_CHANGE;
            default -> AnaGroupDescriptor.STATE_INACCESSIBLE;
        };
    }

    private void park(PathCommand c) {
        if (closing) {
            finish(c, new NoUsablePathException("namespace " + c.ns.nsid() + ": the multipath controller is closed"), 0);
            return;
        }
        if (!c.paused) {
            c.paused = true;
            c.pauseStart = System.nanoTime();
        }
        waiting[waitingCount++] = c;
        if (retryTimer == null) {
            retryTimer = loop.scheduleAtFixedRate(this::retryWaiting, settings.retryIntervalMillis(),
                    settings.retryIntervalMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Issues every waiting I/O that now has a usable path, fails those that waited too long.
     * Entries are consumed in order while re-parking appends at {@code waitingCount}, which never
     * passes the entry being consumed.
     */
    void retryWaiting() {
        long now = System.nanoTime();
        int n = waitingCount;
        waitingCount = 0;
        for (int i = 0; i < n; i++) {
            PathCommand c = waiting[i];
            waiting[i] = null;
            if (now - c.pauseStart > noPathTimeoutNanos && pick(c.ns.nsid()) < 0) {
                noPathFailures++;
                finish(c, new NoUsablePathException("no usable path to namespace " + c.ns.nsid() + " for "
                        + settings.noPathTimeoutMillis() + " ms: " + describePaths(c.ns.nsid())), 0);
            } else {
                dispatch(c);
            }
        }
        if (waitingCount == 0 && retryTimer != null) {
            retryTimer.cancel(false);
            retryTimer = null;
        }
    }

    /** Fails every waiting I/O at once (the controller is closing). */
    void failWaiting(String why) {
        closing = true;
        int n = waitingCount;
        waitingCount = 0;
        for (int i = 0; i < n; i++) {
            PathCommand c = waiting[i];
            waiting[i] = null;
            finish(c, new NoUsablePathException("namespace " + c.ns.nsid() + ": " + why), 0);
        }
        if (retryTimer != null) {
            retryTimer.cancel(false);
            retryTimer = null;
        }
    }

    private String describePaths(int nsid) {
        StringBuilder b = new StringBuilder();
        for (int p = 0; p < paths.length; p++) {
            SubsystemPath path = paths[p];
            b.append(p == 0 ? "" : "; ").append(path.controller.address()).append(' ');
            if (!path.controller.isLive() || !queues[p].isConnected()) {
                b.append(path.controller.isFailed() ? "failed" : "not connected");
            } else {
                b.append(AnaStates.describe(path.knownState(nsid)));
            }
        }
        return b.toString();
    }

    private void finish(PathCommand c, NvmeException failure, long result) {
        if (c.paused) {
            long pause = System.nanoTime() - c.pauseStart;
            if (pause > longestPauseNanos) {
                longestPauseNanos = pause;
            }
        }
        IoCallback cb = c.callback;
        c.clear();
        free[freeCount++] = c;
        try {
            cb.onComplete(failure, result);
        } catch (RuntimeException | Error e) {
            LOG.warn("{}: completion callback threw", this, e);
        }
    }

    @Override
    public String toString() {
        return "multipath queue " + index + " over " + paths.length + " paths";
    }
}
