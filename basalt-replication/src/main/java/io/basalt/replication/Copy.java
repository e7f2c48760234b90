package io.basalt.replication;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * One run of changed regions on its way from the primary's local store to a replica: read locally
 * into its own buffer, then sent as a write (or as write-zeroes when the run reads as zeros). Reused
 * by the {@link Resync} for run after run; a few are in flight at once.
 */
final class Copy implements BlockIo {
    private final Resync resync;
    private final ByteBuf buffer;
    private int op;
    private long offset;
    private int length;

    Copy(Resync resync, int maxBytes) {
        this.resync = resync;
        this.buffer = Unpooled.buffer(maxBytes, maxBytes);
    }

    /** Starts copying {@code length} bytes at {@code offset}. */
    void start(long at, int bytes) {
        offset = at;
        length = bytes;
        op = OP_READ;
        buffer.clear();
        resync.store().local().submit(this);
    }

    @Override
    public void complete(int ioStatus) {
        if (op == OP_READ) {
            if (ioStatus != IoStatus.OK) {
                resync.copied(this, ioStatus, "local read failed with status " + ioStatus);
                return;
            }
            op = allZero() ? OP_WRITE_ZEROES : OP_WRITE;
            resync.member().link.submit(this, resync.epoch());
            return;
        }
        resync.copied(this, ioStatus, ioStatus == IoStatus.PATH_UNAVAILABLE
                ? "the replica knows a newer epoch: this brick is deposed"
                : "the replica failed the copy with status " + ioStatus);
    }

    private boolean allZero() {
        for (int i = 0; i + Long.BYTES <= length; i += Long.BYTES) {
            if (buffer.getLong(i) != 0) {
                return false;
            }
        }
        for (int i = length & ~(Long.BYTES - 1); i < length; i++) {
            if (buffer.getByte(i) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int op() {
        return op;
    }

    @Override
    public long offset() {
        return offset;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public ByteBuf buffer() {
        return op == OP_WRITE_ZEROES ? null : buffer;
    }

    @Override
    public boolean fua() {
        return false;
    }
}
