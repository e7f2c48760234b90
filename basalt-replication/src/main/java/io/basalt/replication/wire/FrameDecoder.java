package io.basalt.replication.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * The receive state machine shared by both directions: {@code AWAIT_HELLO} until the peer's
 * {@link Hello} is checked, then {@code FRAMES}, one frame per {@link #decodeFrame} call. A frame
 * is handed on only when it has fully arrived, so any split of the byte stream decodes alike.
 *
 * <p>Any violation throws a {@link ProtocolException} (which reaches the pipeline's
 * {@code exceptionCaught}, whose handler closes the connection) and the state becomes
 * {@code BROKEN}: whatever else arrives is dropped, never resynchronised. A connection that ends
 * inside a frame is a violation too. Frames are handed to a sink rather than emitted as messages,
 * so decoding allocates nothing.
 */
public abstract class FrameDecoder extends ByteToMessageDecoder {
    enum State { AWAIT_HELLO, FRAMES, BROKEN }

    private State state = State.AWAIT_HELLO;

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.BROKEN) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            if (state == State.AWAIT_HELLO) {
                if (in.readableBytes() >= Hello.LENGTH) {
                    checkHello(in, in.readerIndex());
                    in.skipBytes(Hello.LENGTH);
                    state = State.FRAMES;
                    helloReceived();
                }
                return;
            }
            decodeFrame(in);
        } catch (ProtocolException e) {
            state = State.BROKEN;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    @Override
    protected final void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state != State.BROKEN && in.isReadable()) {
            int partial = in.readableBytes();
            String what = state == State.AWAIT_HELLO ? "hello" : "frame";
            in.skipBytes(partial);
            state = State.BROKEN;
            throw new ProtocolException("connection ended inside a " + what + " (" + partial + " bytes of it received)");
        }
    }

    /**
     * Unlike the base class, never asks for a read when nothing was emitted: this decoder emits
     * nothing by design (frames go to a sink), and the base class's {@code ctx.read()} would undo
     * the back-pressure of a handler that turned auto-read off.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        discardSomeReadBytes();
        ctx.fireChannelReadComplete();
    }

    private static void checkHello(ByteBuf in, int base) {
        int magic = Hello.magic(in, base);
        if (magic != Hello.MAGIC) {
            throw new ProtocolException(String.format("not a Basalt replication peer: hello magic 0x%08x, expected 0x%08x",
                    magic, Hello.MAGIC));
        }
        int version = Hello.version(in, base);
        if (version != Hello.VERSION) {
            throw new ProtocolException("the peer speaks replication protocol version " + version
                    + ", this brick speaks version " + Hello.VERSION + ": upgrade the older brick");
        }
    }

    /** Called once the peer's hello checked out, before any frame. */
    protected void helloReceived() {
    }

    /**
     * Decodes the frame at the reader index if all of it has arrived (consuming it and handing it
     * on), else leaves the buffer as it is. Checks the header as soon as it is there, so a frame
     * claiming too much is refused before its payload is waited for.
     *
     * @throws ProtocolException for a malformed frame
     */
    protected abstract void decodeFrame(ByteBuf in);
}
