package io.basalt.block;

import io.netty.buffer.ByteBuf;

/**
 * A flush that is not a host's command: what a store or a control path submits on its own (a stop
 * marker, a replica's flush before it rejoins). Subclasses say what its completion does.
 */
public abstract class FlushOp implements BlockIo {
    @Override
    public final int op() {
        return OP_FLUSH;
    }

    @Override
    public final long offset() {
        return 0;
    }

    @Override
    public final int length() {
        return 0;
    }

    /** None: a flush carries no data. */
    @Override
    public final ByteBuf buffer() {
        return null;
    }

    @Override
    public final boolean fua() {
        return false;
    }
}
