package io.basalt.replication.wire;

import io.netty.handler.codec.DecoderException;

/** The peer broke the replica protocol: the connection that carried it ends (never resynchronised). */
public final class ProtocolException extends DecoderException {
    public ProtocolException(String message) {
        super(message);
    }
}
