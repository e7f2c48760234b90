package io.basalt.server;

import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;
import io.netty.buffer.ByteBuf;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One I/O on a store, waited for: the status it completed with. */
public final class SyncIo {
    private SyncIo() {
    }

    public static int submit(BlockStore store, int op, long offset, ByteBuf buf) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        int length = op == BlockIo.OP_READ ? buf.writableBytes() : buf.readableBytes();
        store.submit(new BlockIo() {
            public int op() {
                return op;
            }

            public long offset() {
                return offset;
            }

            public int length() {
                return length;
            }

            public ByteBuf buffer() {
                return buf;
            }

            public boolean fua() {
                return false;
            }

            public void complete(int ioStatus) {
                done.complete(ioStatus);
            }
        });
        return done.get(10, TimeUnit.SECONDS);
    }
}
