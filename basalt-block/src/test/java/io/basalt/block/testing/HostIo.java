package io.basalt.block.testing;

import io.basalt.block.BlockIo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A host operation whose completion the test can wait for (bounded). */
public final class HostIo implements BlockIo {
    private final int op;
    private final long offset;
    private final int length;
    private final ByteBuf buffer;
    public final CompletableFuture<Integer> status = new CompletableFuture<>();

    private HostIo(int op, long offset, int length, ByteBuf buffer) {
        this.op = op;
        this.offset = offset;
        this.length = length;
        this.buffer = buffer;
    }

    /** Any operation, as given (an unknown op too, to test refusals). */
    public static HostIo of(int op, long offset, int length, ByteBuf buffer) {
        return new HostIo(op, offset, length, buffer);
    }

    public static HostIo write(long offset, int length, int fill) {
        byte[] data = new byte[length];
        Arrays.fill(data, (byte) fill);
        return new HostIo(OP_WRITE, offset, length, Unpooled.wrappedBuffer(data));
    }

    public static HostIo read(long offset, int length) {
        return new HostIo(OP_READ, offset, length, Unpooled.buffer(length));
    }

    /** Deallocates the (offset, length) pairs. */
    public static HostIo deallocate(long... offsetLengthPairs) {
        ByteBuf ranges = Unpooled.buffer(offsetLengthPairs.length * Long.BYTES);
        for (long v : offsetLengthPairs) {
            ranges.writeLong(v);
        }
        return new HostIo(OP_DEALLOCATE, 0, offsetLengthPairs.length / 2, ranges);
    }

    public static HostIo flush() {
        return new HostIo(OP_FLUSH, 0, 0, null);
    }

    public static HostIo zeroes(long offset, int length) {
        return new HostIo(OP_WRITE_ZEROES, offset, length, null);
    }

    /** Waits at most 5 s for the status. */
    public int await() throws Exception {
        return status.get(5, TimeUnit.SECONDS);
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
        return false;
    }

    @Override
    public void complete(int ioStatus) {
        if (!status.complete(ioStatus)) {
            throw new AssertionError("completed twice");
        }
    }
}
