package io.basalt.nvmet.transport;

import io.basalt.nvme.tcp.CommonHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Cuts one connection's received byte stream into whole PDUs, copying only the PDUs that span
 * socket reads. A PDU that lies whole in the buffer a read produced is handed on in that buffer,
 * so its data can be sliced out of it and kept (a write's data goes to the store that way, see
 * {@link ConnectionHandler}); a PDU cut by the end of a read is gathered in a buffer of its own,
 * sized to its PLEN once its header is known, and handed on from there.
 *
 * <p>Netty's cumulating decoder would instead append every read to the unfinished PDU's buffer,
 * copying whole reads, and copy it again when a slice of it is still held.
 *
 * <p>Receive states: between PDUs ({@code pending == null}); fewer than a common header's bytes of
 * the next PDU kept ({@code pendingPlen < 0}); its header checked and its PLEN known, the rest
 * being gathered. A header is checked as soon as its 8 bytes are in, before anything else is
 * buffered for it. One per connection, owned by its event loop.
 */
final class PduFramer {
    /** Where the PDUs go. */
    interface Sink {
        /** Whether PDUs are still wanted; false once the connection has ended. */
        boolean receiving();

        /**
         * Checks the common header at {@code base}: its PLEN, or -1 after the sink has refused the
         * header (and ended the connection).
         */
        long checkHeader(ByteBuf in, int base);

        /**
         * A whole PDU at {@code [base, base + plen)} of {@code in}. The buffer is valid during the
         * call only; to keep a part, retain a slice of it.
         */
        void pdu(ByteBuf in, int base, int plen);
    }

    private final Sink sink;
    private final ByteBufAllocator alloc;
    /** The start of a PDU that spans reads, or null. */
    private ByteBuf pending;
    /** The pending PDU's PLEN; -1 while its common header is not whole. */
    private long pendingPlen;
    /** A gathering buffer no slice holds any more, kept for the next pending PDU; or null. */
    private ByteBuf spare;

    PduFramer(Sink sink, ByteBufAllocator alloc) {
        this.sink = sink;
        this.alloc = alloc;
    }

    /** Frames what one socket read produced, handing on every PDU it completes; releases {@code in}. */
    void receive(ByteBuf in) {
        try {
            if (!sink.receiving()) {
                release();
                return;
            }
            if (pending != null && !completePending(in)) {
                return;
            }
            while (sink.receiving() && in.readableBytes() >= CommonHeader.LENGTH) {
                int base = in.readerIndex();
                long plen = sink.checkHeader(in, base);
                if (plen < 0) {
                    return;
                }
                if (in.readableBytes() < plen) {
                    keep(in, plen);
                    return;
                }
                sink.pdu(in, base, (int) plen);
                in.readerIndex(base + (int) plen);
            }
            if (sink.receiving() && in.isReadable()) {
                keep(in, -1);
            }
        } finally {
            in.release();
        }
    }

    /** Copies the rest of {@code in}, the start of a PDU, into a buffer of its own. */
    private void keep(ByteBuf in, long plen) {
        int capacity = Math.max(in.readableBytes(), plen < 0 ? CommonHeader.LENGTH : (int) plen);
        if (spare != null && spare.capacity() >= capacity) {
            pending = spare;
            spare = null;
        } else {
            pending = alloc.directBuffer(capacity);
        }
        pendingPlen = plen;
        pending.writeBytes(in);
    }

    /**
     * Moves bytes from {@code in} to the pending PDU; hands it on once whole. Returns whether it was
     * handed on and the rest of {@code in} is to be framed.
     */
    private boolean completePending(ByteBuf in) {
        if (pendingPlen < 0) {
            pending.writeBytes(in, Math.min(CommonHeader.LENGTH - pending.readableBytes(), in.readableBytes()));
            if (pending.readableBytes() < CommonHeader.LENGTH) {
                return false;
            }
            pendingPlen = sink.checkHeader(pending, 0);
            if (pendingPlen < 0) {
                release();
                return false;
            }
        }
        int missing = (int) pendingPlen - pending.readableBytes();
        pending.writeBytes(in, Math.min(missing, in.readableBytes()));
        if (pending.readableBytes() < pendingPlen) {
            return false;
        }
        ByteBuf whole = pending;
        pending = null;
        try {
            sink.pdu(whole, 0, (int) pendingPlen);
        } finally {
            spare = reuse(whole);
        }
        return sink.receiving();
    }

    /** Keeps a gathering buffer nothing else holds (its slices were released) for the next PDU that spans reads. */
    private ByteBuf reuse(ByteBuf used) {
        if (spare != null) {
            spare.release();
        }
        if (used.refCnt() == 1) {
            return used.clear();
        }
        used.release();
        return null;
    }

    /** Drops a partly received PDU (the connection closed). */
    void release() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (spare != null) {
            spare.release();
            spare = null;
        }
    }
}
