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
         * One answer. Its data (none unless a read succeeded) is {@code in[dataIndex, dataIndex +
         * dataLength)}, valid only during the call: the sink copies what it keeps. Passed as an index
         * rather than a slice, so an answer costs no object.
         */
        void response(long id, int status, ByteBuf in, int dataIndex, int dataLength);
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
        int dataIndex = base + ResponseHeader.LENGTH;
        in.skipBytes(ResponseHeader.LENGTH + dataLength);
        sink.response(id, status, in, dataIndex, dataLength);
    }
}
