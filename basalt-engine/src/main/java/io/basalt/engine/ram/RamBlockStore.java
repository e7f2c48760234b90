package io.basalt.engine.ram;

import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;
import io.basalt.block.IoStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A volatile in-memory store for protocol tests and benchmarks. Memory is allocated in 1 MiB
 * chunks on first write, so a large volume costs only what is written. Completes every operation
 * inline on the caller's thread, without locks: chunk creation races are settled by CAS.
 *
 * <p>Durability invariant: none — nothing survives the process. It reports no volatile write cache
 * and a flush does nothing: a completed write is as durable as this store ever makes it, and is
 * visible to every later read.
 */
public final class RamBlockStore implements BlockStore {
    private static final int CHUNK_SHIFT = 20;
    private static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;

    private final long capacity;
    private final int blockSize;
    private final AtomicReferenceArray<ByteBuf> chunks;
    private final AtomicLong allocated = new AtomicLong();

    public RamBlockStore(long capacityBytes, int blockSize) {
        if (capacityBytes <= 0 || capacityBytes % blockSize != 0) {
            throw new IllegalArgumentException("capacity must be a positive multiple of the block size");
        }
        this.capacity = capacityBytes;
        this.blockSize = blockSize;
        this.chunks = new AtomicReferenceArray<>((int) ((capacityBytes + CHUNK_SIZE - 1) >>> CHUNK_SHIFT));
    }

    @Override
    public long capacityBytes() {
        return capacity;
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
    public long allocatedBytes() {
        return allocated.get();
    }

    @Override
    public void submit(BlockIo io) {
        switch (io.op()) {
            case BlockIo.OP_READ -> read(io.offset(), io.buffer(), io.length());
            case BlockIo.OP_WRITE -> write(io.offset(), io.buffer(), io.length());
            case BlockIo.OP_WRITE_ZEROES -> zero(io.offset(), io.length());
            case BlockIo.OP_DEALLOCATE -> {
                ByteBuf ranges = io.buffer();
                for (int i = 0; i < io.length(); i++) {
                    int at = ranges.readerIndex() + i * 16;
                    zero(ranges.getLong(at), ranges.getLong(at + 8));
                }
            }
            case BlockIo.OP_FLUSH -> {
            }
            default -> {
                io.complete(IoStatus.INTERNAL_ERROR);
                return;
            }
        }
        io.complete(IoStatus.OK);
    }

    private void read(long offset, ByteBuf dst, int length) {
        while (length > 0) {
            int in = (int) (offset & (CHUNK_SIZE - 1));
            int n = Math.min(length, CHUNK_SIZE - in);
            ByteBuf chunk = chunks.get((int) (offset >>> CHUNK_SHIFT));
            if (chunk == null) {
                dst.writeZero(n);
            } else {
                dst.writeBytes(chunk, in, n);
            }
            offset += n;
            length -= n;
        }
    }

    private void write(long offset, ByteBuf src, int length) {
        int from = src.readerIndex();
        while (length > 0) {
            int in = (int) (offset & (CHUNK_SIZE - 1));
            int n = Math.min(length, CHUNK_SIZE - in);
            chunk((int) (offset >>> CHUNK_SHIFT)).setBytes(in, src, from, n);
            from += n;
            offset += n;
            length -= n;
        }
    }

    private void zero(long offset, long length) {
        while (length > 0) {
            int in = (int) (offset & (CHUNK_SIZE - 1));
            int n = (int) Math.min(length, CHUNK_SIZE - in);
            int index = (int) (offset >>> CHUNK_SHIFT);
            ByteBuf chunk = chunks.get(index);
            // Chunks are zeroed, never freed while the store is open: a concurrent read may be
            // copying from one, and freeing native memory under it would be unsafe.
            if (chunk != null) {
                chunk.setZero(in, n);
            }
            offset += n;
            length -= n;
        }
    }

    private ByteBuf chunk(int index) {
        ByteBuf chunk = chunks.get(index);
        if (chunk != null) {
            return chunk;
        }
        ByteBuf fresh = Unpooled.directBuffer(CHUNK_SIZE, CHUNK_SIZE);
        fresh.setZero(0, CHUNK_SIZE);
        if (chunks.compareAndSet(index, null, fresh)) {
            allocated.addAndGet(CHUNK_SIZE);
            return fresh;
        }
        fresh.release();
        return chunks.get(index);
    }

    @Override
    public void close() {
        for (int i = 0; i < chunks.length(); i++) {
            ByteBuf chunk = chunks.getAndSet(i, null);
            if (chunk != null) {
                chunk.release();
            }
        }
        allocated.set(0);
    }
}
