package io.basalt.initiator.multipath;

import io.basalt.initiator.IoCallback;
import io.basalt.initiator.NamespaceInfo;
import io.basalt.initiator.NvmeException;
import io.netty.buffer.ByteBuf;

/**
 * One I/O of a {@link MultipathQueue} while it is in flight: what to issue again if a path fails
 * it, the caller's callback, and when it first had to wait. Preallocated per queue and reused;
 * only the queue's event loop touches it. It is the callback each path's queue completes.
 */
final class PathCommand implements IoCallback {
    private final MultipathQueue queue;
    int op;
    NamespaceInfo ns;
    long slba;
    int nlb;
    ByteBuf data;
    boolean fua;
    IoCallback callback;
    /** The path it was last issued on. */
    int path;
    /** It failed on a path or found none: {@link #pauseStart} holds when. */
    boolean paused;
    long pauseStart;

    PathCommand(MultipathQueue queue) {
        this.queue = queue;
    }

    void set(int op, NamespaceInfo ns, long slba, int nlb, ByteBuf data, boolean fua, IoCallback callback) {
        this.op = op;
        this.ns = ns;
        this.slba = slba;
        this.nlb = nlb;
        this.data = data;
        this.fua = fua;
        this.callback = callback;
        this.path = -1;
        this.paused = false;
    }

    void clear() {
        ns = null;
        data = null;
        callback = null;
    }

    @Override
    public void onComplete(NvmeException failure, long result) {
        queue.completed(this, failure, result);
    }
}
