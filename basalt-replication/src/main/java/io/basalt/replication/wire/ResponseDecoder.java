package io.basalt.replication.wire;

import io.basalt.block.IoStatus;
import io.netty.buffer.ByteBuf;

/** Decodes what a replica sends back: its hello, then answers. */
public final class ResponseDecoder extends FrameDecoder {
    /** Where decoded answers go; called on the connection's event loop. */
    public interface Sink {
        /** The replica's hello checked out: requests may be sent. */
        void opened();

        /**
         * One answer. {@code data} (empty unless a read succeeded) is a slice of the connection's
         * buffer, valid only during the call: the sink copies what it keeps.
         */
        void response(long id, int status, ByteBuf data);
    }

    private final Sink sink;

    public ResponseDecoder(Sink sink) {
        this.sink = sink;
    }

    @Override
    protected void helloReceived() {
        sink.opened();
    }

    @Override
    protected void decodeFrame(ByteBuf in) {
        if (in.readableBytes() < ResponseHeader.LENGTH) {
            return;
        }
        int base = in.readerIndex();
        int dataLength = ResponseHeader.dataLength(in, base);
        if (dataLength < 0 || dataLength > RequestHeader.MAX_DATA_LENGTH) {
            throw new ProtocolException("malformed response: data length " + dataLength + " (at most "
                    + RequestHeader.MAX_DATA_LENGTH + ")");
        }
        int status = ResponseHeader.status(in, base);
        if (dataLength > 0 && status != IoStatus.OK) {
            throw new ProtocolException("malformed response: status " + status + " with " + dataLength + " bytes of data");
        }
        if (in.readableBytes() < ResponseHeader.LENGTH + dataLength) {
            return;
        }
        long id = ResponseHeader.id(in, base);
        in.skipBytes(ResponseHeader.LENGTH);
        sink.response(id, status, in.readSlice(dataLength));
    }
}
