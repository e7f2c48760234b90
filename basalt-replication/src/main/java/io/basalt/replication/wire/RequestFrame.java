package io.basalt.replication.wire;

import io.netty.buffer.ByteBuf;

/**
 * The fields of the request a {@link RequestDecoder} hands to its sink: one reused object per
 * decoder, valid only during {@link RequestDecoder.Sink#request}. Tests build frames with it too.
 */
public final class RequestFrame {
    private int op;
    private int flags;
    private long id;
    private long volumeMsb;
    private long volumeLsb;
    private long epoch;
    private long offset;
    private int length;

    void load(ByteBuf b, int base) {
        op = RequestHeader.op(b, base);
        flags = RequestHeader.flags(b, base);
        id = RequestHeader.id(b, base);
        volumeMsb = RequestHeader.volumeMsb(b, base);
        volumeLsb = RequestHeader.volumeLsb(b, base);
        epoch = RequestHeader.epoch(b, base);
        offset = RequestHeader.ioOffset(b, base);
        length = RequestHeader.ioLength(b, base);
    }

    public int op() {
        return op;
    }

    public boolean fua() {
        return (flags & RequestHeader.FLAG_FUA) != 0;
    }

    public long id() {
        return id;
    }

    public long volumeMsb() {
        return volumeMsb;
    }

    public long volumeLsb() {
        return volumeLsb;
    }

    public long epoch() {
        return epoch;
    }

    public long offset() {
        return offset;
    }

    /** Bytes for reads, writes and write-zeroes; ranges for a deallocate; 0 for a flush. */
    public int length() {
        return length;
    }
}
