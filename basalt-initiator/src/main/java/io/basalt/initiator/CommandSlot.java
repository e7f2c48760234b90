package io.basalt.initiator;

import io.netty.buffer.ByteBuf;

/**
 * One command slot of a queue: the command in flight there and the state of its data transfer.
 * Slots are allocated once per queue and reused; only the queue's event loop touches them.
 */
final class CommandSlot {
    final int index;
    int generation;
    int cid;
    boolean inUse;
    /** Timed out: the caller was told; whatever the target still sends for it is dropped. */
    boolean abandoned;
    IoCallback callback;
    ByteBuf data;
    int dataIndex;
    int length;
    int direction;
    boolean inCapsule;
    boolean advanceWriter;
    int sent;
    int received;
    boolean digestError;
    long deadline;
    int opcode;
    int fctype;

    CommandSlot(int index) {
        this.index = index;
    }
}
