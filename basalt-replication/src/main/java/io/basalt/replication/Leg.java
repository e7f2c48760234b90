package io.basalt.replication;

import io.basalt.block.BlockIo;
import io.netty.buffer.ByteBuf;

/**
 * One branch of a {@link FanOut}: the host's operation as the local store or one replica's link sees
 * it (same op, range and buffer: each reads the buffer without moving it). Pooled with its fan-out.
 */
final class Leg implements BlockIo {
    /** Sent to the local store or to the replica. */
    static final int SEND = 0;
    /** The replica's drop is in flight: not sent, waits for the drop's record. */
    static final int PARK = 1;
    /** The replica is out of sync: not sent, its regions are marked. */
    static final int TRACK = 2;

    private final FanOut owner;
    Member member;
    int mode;
    /** The replica failed this operation (written before the fan-out's countdown, read after it). */
    boolean failed;
    /** The next leg waiting on the same drop ({@link Member}'s stack). */
    Leg nextWaiting;

    Leg(FanOut owner) {
        this.owner = owner;
    }

    @Override
    public int op() {
        return owner.host.op();
    }

    @Override
    public long offset() {
        return owner.host.offset();
    }

    @Override
    public int length() {
        return owner.host.length();
    }

    @Override
    public ByteBuf buffer() {
        return owner.host.buffer();
    }

    @Override
    public boolean fua() {
        return owner.host.fua();
    }

    @Override
    public void complete(int ioStatus) {
        owner.legDone(this, ioStatus);
    }

    /** The drop this leg waited on was decided: {@code status} is OK if recorded. */
    void dropDecided(int status) {
        owner.dropDecided(status);
    }
}
