package io.basalt.replication;

import io.basalt.block.FlushOp;

import java.util.concurrent.CompletableFuture;

/**
 * A flush whose status arrives as a future: for the rare flushes the replication control path sends
 * and waits for (a resync's last step), not for host I/O, so allocating one per call is fine.
 */
final class FlushIo extends FlushOp {
    private final CompletableFuture<Integer> status = new CompletableFuture<>();

    /** Completes with the {@link io.basalt.block.IoStatus} the store answered. */
    CompletableFuture<Integer> status() {
        return status;
    }

    @Override
    public void complete(int ioStatus) {
        status.complete(ioStatus);
    }
}
