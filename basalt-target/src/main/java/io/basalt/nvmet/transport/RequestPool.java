package io.basalt.nvmet.transport;

import io.basalt.nvmet.core.Request;
import io.basalt.nvmet.core.Transport;

import java.util.Arrays;

/**
 * A connection's requests, one per queue slot, allocated once and reused: a command takes a free
 * one and gives it back when it completes, so the data path allocates no request. A request's
 * index is its transfer tag, which is how an H2CData PDU names its command. Owned by the
 * connection's event loop.
 */
final class RequestPool {
    private final Transport transport;
    private Request[] requests = new Request[0];
    private int[] free = new int[0];
    private int freeCount;

    RequestPool(Transport transport, int size) {
        this.transport = transport;
        grow(size);
    }

    /** Grows to {@code size} requests (the queue size granted at Connect); never shrinks. */
    void grow(int size) {
        if (size <= requests.length) {
            return;
        }
        Request[] bigger = Arrays.copyOf(requests, size);
        int[] biggerFree = Arrays.copyOf(free, size);
        for (int i = requests.length; i < size; i++) {
            bigger[i] = new Request(transport, i);
            biggerFree[freeCount++] = i;
        }
        requests = bigger;
        free = biggerFree;
    }

    int size() {
        return requests.length;
    }

    /** A free request, or null when every slot holds a command. */
    Request acquire() {
        return freeCount == 0 ? null : requests[free[--freeCount]];
    }

    /** Frees the request's buffers and returns it to the pool. */
    void release(Request req) {
        req.recycle();
        free[freeCount++] = req.tag();
    }

    /** The request with this transfer tag, or null if the tag names no slot. */
    Request byTag(int ttag) {
        return ttag >= 0 && ttag < requests.length ? requests[ttag] : null;
    }

    /**
     * On close: frees every request the connection still holds. Those the store holds are left to
     * the store's completion, which frees them.
     */
    void releaseAllButStore() {
        for (Request r : requests) {
            if (r.inUse() && !r.heldByStore()) {
                release(r);
            }
        }
    }
}
