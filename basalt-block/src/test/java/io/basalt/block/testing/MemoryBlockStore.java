package io.basalt.block.testing;

import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;
import io.basalt.block.IoStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The smallest store that keeps the {@link BlockStore} contract: one heap buffer of the whole
 * capacity, every operation done and completed inline on the submitting thread. For the tests of
 * modules that need a store but not a storage engine (the target's); the engine's RamBlockStore is
 * the sparse one for real use. Like that one it takes no locks: operations on different blocks may
 * run concurrently, and ordering operations on the same blocks is the caller's business, as in NVMe.
 */
public final class MemoryBlockStore implements BlockStore {
    private static final int DEALLOCATE_RANGE_BYTES = 16;

    private final ByteBuf blocks;
    private final int blockSize;

    public MemoryBlockStore(long capacityBytes, int blockSize) {
        if (capacityBytes <= 0 || capacityBytes % blockSize != 0 || capacityBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("capacity must be a positive multiple of the block size, under 2 GiB");
        }
        this.blocks = Unpooled.buffer((int) capacityBytes, (int) capacityBytes);
        this.blocks.writerIndex((int) capacityBytes);
        this.blockSize = blockSize;
    }

    @Override
    public long capacityBytes() {
        return blocks.capacity();
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public boolean volatileWriteCache() {
        return false;
    }

    @Override
    public void submit(BlockIo io) {
        int offset = (int) io.offset();
        switch (io.op()) {
            case BlockIo.OP_READ -> io.buffer().writeBytes(blocks, offset, io.length());
            case BlockIo.OP_WRITE -> blocks.setBytes(offset, io.buffer(), io.buffer().readerIndex(), io.length());
            case BlockIo.OP_WRITE_ZEROES -> blocks.setZero(offset, io.length());
            case BlockIo.OP_DEALLOCATE -> deallocate(io.buffer(), io.length());
            case BlockIo.OP_FLUSH -> {
            }
            default -> {
                io.complete(IoStatus.INTERNAL_ERROR);
                return;
            }
        }
        io.complete(IoStatus.OK);
    }

    private void deallocate(ByteBuf ranges, int count) {
        for (int i = 0; i < count; i++) {
            int at = ranges.readerIndex() + i * DEALLOCATE_RANGE_BYTES;
            blocks.setZero((int) ranges.getLong(at), (int) ranges.getLong(at + Long.BYTES));
        }
    }

    /** The whole capacity: the buffer is allocated up front. */
    @Override
    public long allocatedBytes() {
        return blocks.capacity();
    }

    @Override
    public void close() {
        blocks.release();
    }
}
