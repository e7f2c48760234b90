package io.basalt.server.cluster;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.replication.ReplicaLink;

/**
 * A replica the brick has no address for (its record lacks one): every operation fails, so the
 * primary drops it from the in-sync set rather than acknowledge writes it never sent there.
 */
final class UnreachableLink implements ReplicaLink {
    private final String brick;

    UnreachableLink(String brick) {
        this.brick = brick;
    }

    @Override
    public String brick() {
        return brick;
    }

    @Override
    public boolean connected() {
        return false;
    }

    @Override
    public void submit(BlockIo io, long epoch) {
        io.complete(io.op() == BlockIo.OP_READ ? IoStatus.READ_ERROR : IoStatus.WRITE_ERROR);
    }

    @Override
    public void close() {
    }
}
