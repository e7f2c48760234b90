package io.basalt.replication;

import io.basalt.block.BlockIo;
import io.netty.buffer.ByteBuf;

import java.util.concurrent.CompletableFuture;

/**
 * A flush whose status arrives as a future: for the rare flushes the replication control path sends
 * and waits for (a resync's last step), not for host I/O, so allocating one per call is fine.
 */
final class FlushIo implements BlockIo {
    private final CompletableFuture<Integer> status = new CompletableFuture<>();

    /** Completes with the {@link io.basalt.block.IoStatus} the store answered. */
    CompletableFuture<Integer> status() {
        return status;
    }

    @Override
    public int op() {
        return OP_FLUSH;
    }

    @Override
    public long offset() {
        return 0;
    }

    @Override
    public int length() {
        return 0;
    }

    @Override
    public ByteBuf buffer() {
        return null;
    }

    @Override
    public boolean fua() {
        return false;
    }

    @Override
    public void complete(int ioStatus) {
        status.complete(ioStatus);
    }
}
