package io.basalt.replication.wire;

import io.netty.buffer.ByteBuf;

/**
 * Decodes what a primary sends a replica: its hello, then requests. A write's or deallocate's
 * payload is handed on as a retained slice of the inbound buffer, not a copy.
 */
public final class RequestDecoder extends FrameDecoder {
    /** Where decoded requests go; called on the connection's event loop. */
    @FunctionalInterface
    public interface Sink {
        /**
         * One request. {@code payload} is null for ops without one; otherwise the sink owns it (a
         * retained slice of the connection's buffer) and releases it once done.
         */
        void request(RequestFrame frame, ByteBuf payload);
    }

    private final Sink sink;
    private final RequestFrame frame = new RequestFrame();

    public RequestDecoder(Sink sink) {
        this.sink = sink;
    }

    @Override
    protected void decodeFrame(ByteBuf in) {
        if (in.readableBytes() < RequestHeader.LENGTH) {
            return;
        }
        int base = in.readerIndex();
        int op = RequestHeader.op(in, base);
        int length = RequestHeader.ioLength(in, base);
        long payload = RequestHeader.payloadLength(op, length);
        if (payload < 0) {
            throw new ProtocolException("malformed request: op " + op + " with length " + length
                    + " (unknown op, negative length, or more than " + RequestHeader.MAX_DATA_LENGTH + " bytes of data)");
        }
        int flags = RequestHeader.flags(in, base);
        if (!RequestHeader.knownFlags(flags) || RequestHeader.reserved(in, base) != 0) {
            throw new ProtocolException(String.format("malformed request: unknown flags 0x%02x or reserved bits 0x%04x",
                    flags, RequestHeader.reserved(in, base)));
        }
        if (RequestHeader.ioOffset(in, base) < 0) {
            throw new ProtocolException("malformed request: negative offset " + RequestHeader.ioOffset(in, base));
        }
        if (in.readableBytes() < RequestHeader.LENGTH + payload) {
            return;
        }
        frame.load(in, base);
        in.skipBytes(RequestHeader.LENGTH);
        // The last call that can throw is behind us: retain only now.
        ByteBuf data = payload > 0 ? in.readRetainedSlice((int) payload) : null;
        sink.request(frame, data);
    }
}
