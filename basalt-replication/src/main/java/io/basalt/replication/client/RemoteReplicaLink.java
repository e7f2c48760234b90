package io.basalt.replication.client;

import io.basalt.block.BlockIo;
import io.basalt.replication.ReplicaLink;

import java.util.UUID;

/**
 * One volume's replica on a brick, reached through that brick's shared {@link ReplicationClient}.
 * Closing the link only stops its own submissions; the connection stays for the brick's other
 * volumes.
 */
final class RemoteReplicaLink implements ReplicaLink {
    private final ReplicationClient client;
    private final String brick;
    private final long volumeMsb;
    private final long volumeLsb;
    private volatile boolean closed;

    RemoteReplicaLink(ReplicationClient client, String brick, UUID volume) {
        this.client = client;
        this.brick = brick;
        this.volumeMsb = volume.getMostSignificantBits();
        this.volumeLsb = volume.getLeastSignificantBits();
    }

    @Override
    public String brick() {
        return brick;
    }

    @Override
    public boolean connected() {
        return !closed && client.connected();
    }

    @Override
    public void submit(BlockIo io, long epoch) {
        if (closed) {
            ReplicationClient.complete(io, ReplicationClient.failure(io));
            return;
        }
        client.send(io, epoch, volumeMsb, volumeLsb);
    }

    /** Operations in flight still complete: answered, or failed by the client's timeout. */
    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "replica of " + new UUID(volumeMsb, volumeLsb) + " on " + brick;
    }
}
