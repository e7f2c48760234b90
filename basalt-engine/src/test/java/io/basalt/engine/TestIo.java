package io.basalt.engine;

import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A BlockIo for tests: records the completing thread and lets the test wait for the status. */
public final class TestIo implements BlockIo {
    private final int op;
    private final long offset;
    private final int length;
    private final ByteBuf buffer;
    private final boolean fua;
    public final CompletableFuture<Integer> status = new CompletableFuture<>();
    public volatile Thread completedOn;

    private TestIo(int op, long offset, int length, ByteBuf buffer, boolean fua) {
        this.op = op;
        this.offset = offset;
        this.length = length;
        this.buffer = buffer;
        this.fua = fua;
    }

    public static TestIo read(long offset, int length) {
        return new TestIo(OP_READ, offset, length, Unpooled.buffer(length), false);
    }

    /** A read into {@code buffer}, at its writer index (where the data's readable bytes begin afterwards). */
    public static TestIo readInto(long offset, int length, ByteBuf buffer) {
        buffer.readerIndex(buffer.writerIndex());
        return new TestIo(OP_READ, offset, length, buffer, false);
    }

    public static TestIo write(long offset, byte[] data) {
        return new TestIo(OP_WRITE, offset, data.length, Unpooled.wrappedBuffer(data), false);
    }

    public static TestIo writeFua(long offset, byte[] data) {
        return new TestIo(OP_WRITE, offset, data.length, Unpooled.wrappedBuffer(data), true);
    }

    public static TestIo writeZeroes(long offset, int length) {
        return new TestIo(OP_WRITE_ZEROES, offset, length, null, false);
    }

    public static TestIo flush() {
        return new TestIo(OP_FLUSH, 0, 0, null, false);
    }

    /** ranges: offset, length, offset, length, ... in bytes. */
    public static TestIo deallocate(long... ranges) {
        ByteBuf buf = Unpooled.buffer(ranges.length * 8);
        for (long r : ranges) {
            buf.writeLong(r);
        }
        return new TestIo(OP_DEALLOCATE, 0, ranges.length / 2, buf, false);
    }

    /** Submits and waits for completion; returns the status. */
    public int runOn(BlockStore store) {
        store.submit(this);
        return await();
    }

    /** Waits for the completion of an operation already submitted; returns the status. */
    public int await() {
        try {
            return status.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no completion for op " + op + " at " + offset, e);
        }
    }

    /** The bytes a completed read produced. */
    public byte[] data() {
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
        completedOn = Thread.currentThread();
        if (!status.complete(ioStatus)) {
            throw new AssertionError("completed twice");
        }
    }
}
