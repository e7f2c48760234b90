package io.basalt.engine.pool;

import io.basalt.engine.BlockIo;
import io.basalt.engine.BlockStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A BlockIo for engine tests: submit, wait, look at the status and data. */
final class Io implements BlockIo {
    private final int op;
    private final long offset;
    private final int length;
    private final ByteBuf buffer;
    private final boolean fua;
    final CompletableFuture<Integer> status = new CompletableFuture<>();

    private Io(int op, long offset, int length, ByteBuf buffer, boolean fua) {
        this.op = op;
        this.offset = offset;
        this.length = length;
        this.buffer = buffer;
        this.fua = fua;
    }

    static Io read(long offset, int length) {
        return new Io(OP_READ, offset, length, Unpooled.buffer(length), false);
    }

    static Io write(long offset, byte[] data) {
        return new Io(OP_WRITE, offset, data.length, Unpooled.wrappedBuffer(data), false);
    }

    static Io writeFua(long offset, byte[] data) {
        return new Io(OP_WRITE, offset, data.length, Unpooled.wrappedBuffer(data), true);
    }

    static Io writeZeroes(long offset, int length) {
        return new Io(OP_WRITE_ZEROES, offset, length, null, false);
    }

    static Io flush() {
        return new Io(OP_FLUSH, 0, 0, null, false);
    }

    static Io deallocate(long... ranges) {
        ByteBuf buf = Unpooled.buffer(ranges.length * 8);
        for (long r : ranges) {
            buf.writeLong(r);
        }
        return new Io(OP_DEALLOCATE, 0, ranges.length / 2, buf, false);
    }

    int runOn(BlockStore store) {
        store.submit(this);
        return await();
    }

    int await() {
        try {
            return status.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no completion for op " + op + " at " + offset, e);
        }
    }

    byte[] data() {
        byte[] out = new byte[buffer.readableBytes()];
        buffer.getBytes(buffer.readerIndex(), out);
        return out;
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
        return buffer;
    }

    @Override
    public boolean fua() {
        return fua;
    }

    @Override
    public void complete(int ioStatus) {
        if (!status.complete(ioStatus)) {
            throw new AssertionError("completed twice");
        }
    }
}
