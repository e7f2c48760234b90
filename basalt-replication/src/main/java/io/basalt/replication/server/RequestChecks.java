package io.basalt.replication.server;

import io.basalt.block.BlockStore;
import io.basalt.replication.wire.RequestFrame;
import io.basalt.replication.wire.RequestHeader;
import io.netty.buffer.ByteBuf;

/**
 * What the block contract leaves to the caller: offsets and lengths aligned to the block size and
 * within the capacity. The decoder has checked the frame's shape; a primary whose view of the
 * volume disagrees with this replica's is answered with an error, never passed to the store.
 */
final class RequestChecks {
    private RequestChecks() {
    }

    static boolean fits(BlockStore store, RequestFrame frame, ByteBuf payload) {
        return switch (frame.op()) {
            case RequestHeader.OP_FLUSH -> true;
            case RequestHeader.OP_DEALLOCATE -> rangesFit(store, payload, frame.length());
            default -> fits(store, frame.offset(), frame.length());
        };
    }

    private static boolean rangesFit(BlockStore store, ByteBuf ranges, int count) {
        for (int i = 0; i < count; i++) {
            int at = ranges.readerIndex() + i * RequestHeader.DEALLOCATE_RANGE_LENGTH;
            if (!fits(store, ranges.getLong(at), ranges.getLong(at + Long.BYTES))) {
                return false;
            }
        }
        return true;
    }

    private static boolean fits(BlockStore store, long offset, long length) {
        int block = store.blockSize();
        return offset >= 0 && length >= 0 && offset % block == 0 && length % block == 0
                && offset <= store.capacityBytes() - length;
    }
}
