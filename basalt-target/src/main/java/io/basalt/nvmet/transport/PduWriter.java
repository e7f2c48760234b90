package io.basalt.nvmet.transport;

import io.basalt.block.BlockIo;
import io.basalt.nvme.Cqe;
import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.basalt.nvme.tcp.CapsulePdu;
import io.basalt.nvme.tcp.CommonHeader;
import io.basalt.nvme.tcp.Crc32c;
import io.basalt.nvme.tcp.DataPdu;
import io.basalt.nvme.tcp.IcResp;
import io.basalt.nvme.tcp.PduFlags;
import io.basalt.nvme.tcp.PduType;
import io.basalt.nvme.tcp.R2t;
import io.basalt.nvme.tcp.TermReq;
import io.basalt.nvmet.controller.Queue;
import io.basalt.nvmet.core.Request;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;

import java.util.zip.CRC32C;

/**
 * The send side of one NVMe/TCP connection: every PDU the controller sends (ICResp, R2T,
 * C2HData, CapsuleResp, C2HTermReq), framed with the digests and C2H data alignment the host
 * negotiated, and the flushing that batches them. Read data is framed in place where the buffer
 * has room ({@link #allocateReadBuffer}), so a read goes out as one buffer and one write.
 * The small PDUs written between two flushes (CapsuleResps, R2Ts) are gathered into one pooled
 * buffer, the {@linkplain #batch batch}: at queue depth 128 a flush carries dozens of 24-byte
 * responses, and one buffer and one outbound entry for all of them cost less than one each.
 * Whatever else is written sends the batch first, so PDUs leave in the order they were framed.
 * Everything here runs on the connection's event loop.
 */
final class PduWriter {
    /** Room kept after read data: a data digest, then a CapsuleResp with its header digest. */
    static final int C2H_TRAILER = CommonHeader.DIGEST_LENGTH + CapsulePdu.RESP_LENGTH + CommonHeader.DIGEST_LENGTH;
    /** The batch buffer's size: 4 KiB (a pool's small size) holds 146 responses with header digests, a full queue's. */
    static final int BATCH_CAPACITY = 4096;

    private final Queue queue;
    private final CRC32C crc = new CRC32C();
    private final Runnable flushTask = this::flushNow;
    private ChannelHandlerContext ctx;
    private boolean headerDigest;
    private boolean dataDigest;
    /** C2H data alignment the host asked for: (HPDA + 1) * 4 bytes; 4 means no padding. */
    private int hostPduAlignment = 4;
    private boolean inRead;
    private boolean flushNeeded;
    private boolean flushScheduled;
    /** Small PDUs framed since the last flush, not yet written to the channel; null when there are none. */
    private ByteBuf batch;

    PduWriter(Queue queue) {
        this.queue = queue;
    }

    void attach(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Answers an ICReq; from then on every PDU carries the digests the host asked for. */
    void icResp(int dgst, int maxH2cData, boolean headerDigest, boolean dataDigest, int hostPduAlignment) {
        ByteBuf resp = ctx.alloc().directBuffer(IcResp.LENGTH);
        IcResp.write(resp, 0, dgst, maxH2cData);
        write(resp);
        requestFlush();
        this.headerDigest = headerDigest;
        this.dataDigest = dataDigest;
        this.hostPduAlignment = hostPduAlignment;
    }

    /** Asks the host for {@code length} bytes of a command's data with one R2T. */
    void r2t(int cid, int ttag, int length) {
        int hd = headerDigest ? CommonHeader.DIGEST_LENGTH : 0;
        ByteBuf r2t = batch(R2t.LENGTH + hd);
        R2t.write(r2t, headerDigest ? PduFlags.HDGSTF : 0, R2t.LENGTH + hd, cid, ttag, 0, length);
        appendHeaderDigest(r2t, R2t.LENGTH);
        requestFlush();
    }

    /**
     * A buffer for read data with room to frame it in place: the C2HData header before the data,
     * the data digest and the CapsuleResp after it. The store writes the data at the writer index,
     * which for a read of at least {@link BlockIo#IN_PLACE_MIN_LENGTH} sits at
     * {@link BlockIo#BUFFER_ALIGNMENT} in memory, so the engine can have the device read into it
     * rather than copy (up to 4 KiB more per buffer; a 128 KiB read stays in the same pool size class).
     */
    ByteBuf allocateReadBuffer(int length) {
        int head = c2hDataOffset();
        int slack = length >= BlockIo.IN_PLACE_MIN_LENGTH ? BlockIo.BUFFER_ALIGNMENT - 1 : 0;
        ByteBuf b = ctx.alloc().directBuffer(head + slack + length + C2H_TRAILER);
        int at = head;
        if (slack > 0 && b.hasMemoryAddress()) {
            at += (int) (-(b.memoryAddress() + head) & (BlockIo.BUFFER_ALIGNMENT - 1));
        }
        b.writerIndex(at).readerIndex(at);
        return b;
    }

    /** Where C2HData carries its data: after the header and its digest, padded to the host's HPDA. */
    private int c2hDataOffset() {
        return align(DataPdu.HEADER_LENGTH + (headerDigest ? CommonHeader.DIGEST_LENGTH : 0), hostPduAlignment);
    }

    /**
     * Sends the command's data (if any) and its completion. The request's data buffer goes to the
     * channel when it was framed in place; the caller frees the request afterwards either way.
     */
    void completion(Request req, int status) {
        int sqhd = queue.nextSqhd();
        ByteBuf data = req.data();
        boolean sendsData = Status.isSuccess(status) && req.direction() == Opcodes.XFER_CONTROLLER_TO_HOST
                && data != null && data.isReadable() && req.sglLength() > 0;
        if (sendsData) {
            int length = (int) Math.min(data.readableBytes(), req.sglLength());
            // With SQ flow control off and nothing in the result, the last data PDU completes the command.
            boolean successFlag = queue.sqFlowControlDisabled() && req.result() == 0;
            int pdo = c2hDataOffset();
            if (data.readerIndex() >= pdo && length == data.readableBytes() && data.writableBytes() >= C2H_TRAILER) {
                // Framed in place: one buffer and one write carry header, data, digest and response.
                int start = data.readerIndex() - pdo;
                int end = data.writerIndex();
                data.setIndex(start, start);
                writeC2hHeader(data, req.cid(), length, successFlag, pdo);
                data.writerIndex(end);
                if (dataDigest) {
                    data.writeIntLE(Crc32c.compute(crc, data, start + pdo, length));
                }
                if (!successFlag) {
                    writeResponse(data, req, sqhd, status);
                }
                write(req.detachData());
                return;
            }
            sendC2hData(req, data, length, successFlag, pdo);
            if (successFlag) {
                return;
            }
        }
        int hd = headerDigest ? CommonHeader.DIGEST_LENGTH : 0;
        writeResponse(batch(CapsulePdu.RESP_LENGTH + hd), req, sqhd, status);
    }

    private void writeResponse(ByteBuf b, Request req, int sqhd, int status) {
        int hd = headerDigest ? CommonHeader.DIGEST_LENGTH : 0;
        CommonHeader.write(b, PduType.CAPSULE_RESP, headerDigest ? PduFlags.HDGSTF : 0, CapsulePdu.RESP_LENGTH, 0,
                CapsulePdu.RESP_LENGTH + hd);
        Cqe.write(b, req.result(), sqhd, Math.max(queue.qid(), 0), req.cid(), status);
        appendHeaderDigest(b, CapsulePdu.RESP_LENGTH);
    }

    /** Writes a C2HData header, its digest and padding up to {@code pdo} at the writer index. */
    private void writeC2hHeader(ByteBuf b, int cid, int length, boolean successFlag, int pdo) {
        int hd = headerDigest ? CommonHeader.DIGEST_LENGTH : 0;
        int dd = dataDigest ? CommonHeader.DIGEST_LENGTH : 0;
        int flags = PduFlags.LAST_PDU | (successFlag ? PduFlags.SUCCESS : 0)
                | (headerDigest ? PduFlags.HDGSTF : 0) | (dataDigest ? PduFlags.DDGSTF : 0);
        DataPdu.writeHeader(b, PduType.C2H_DATA, flags, pdo, pdo + length + dd, cid, 0, 0, length);
        appendHeaderDigest(b, DataPdu.HEADER_LENGTH);
        b.writeZero(pdo - DataPdu.HEADER_LENGTH - hd);
    }

    /** Sends C2HData whose data buffer has no room for framing (admin data): header, data, digest apart. */
    private void sendC2hData(Request req, ByteBuf data, int length, boolean successFlag, int pdo) {
        ByteBuf header = ctx.alloc().directBuffer(pdo);
        writeC2hHeader(header, req.cid(), length, successFlag, pdo);
        write(header);
        int index = data.readerIndex();
        write(data.retainedSlice(index, length));
        if (dataDigest) {
            int digest = Crc32c.compute(crc, data, index, length);
            write(ctx.alloc().directBuffer(4).writeIntLE(digest));
        }
    }

    /** Sends a C2HTermReq quoting the offending PDU's header, then closes the connection. */
    void termReqAndClose(int fes, int fei, ByteBuf in, int base) {
        int hlen = Math.min(CommonHeader.hlen(in, base), in.writerIndex() - base);
        hlen = Math.max(CommonHeader.LENGTH, Math.min(hlen, in.readableBytes()));
        ByteBuf term = ctx.alloc().directBuffer(TermReq.HEADER_LENGTH + TermReq.MAX_ERROR_DATA);
        TermReq.write(term, PduType.C2H_TERM_REQ, fes, fei, in, base, hlen);
        writeBatch();
        ctx.writeAndFlush(term).addListener(ChannelFutureListener.CLOSE);
    }

    /** Room for {@code length} bytes of small PDUs at the batch's writer index; starts a new batch when full. */
    private ByteBuf batch(int length) {
        if (batch != null && batch.writableBytes() < length) {
            writeBatch();
        }
        if (batch == null) {
            batch = ctx.alloc().directBuffer(BATCH_CAPACITY, BATCH_CAPACITY);
        }
        return batch;
    }

    /** Hands the batch to the channel (which releases it once sent). */
    private void writeBatch() {
        if (batch != null) {
            ByteBuf b = batch;
            batch = null;
            ctx.write(b, ctx.voidPromise());
        }
    }

    /** Writes a PDU (or part of one) of its own buffer, after the batched PDUs framed before it. */
    private void write(ByteBuf b) {
        writeBatch();
        ctx.write(b, ctx.voidPromise());
    }

    /** Sends everything framed so far: the batch, then a flush of the channel. */
    void flush() {
        writeBatch();
        ctx.flush();
    }

    /** Frees a batch that will never be sent: the connection is gone. */
    void release() {
        if (batch != null) {
            batch.release();
            batch = null;
        }
    }

    private static int align(int value, int alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }

    private void appendHeaderDigest(ByteBuf b, int hlen) {
        if (headerDigest) {
            int start = b.writerIndex() - hlen;
            b.writeIntLE(Crc32c.compute(crc, b, start, hlen));
        }
    }

    // ---- flushing: one flush per batch of reads, or one scheduled flush outside a read ---------

    /** A read from the socket began: what is written until it completes is flushed once, after it. */
    void readStarted() {
        inRead = true;
    }

    /** The read completed: flushes what it produced. */
    void readComplete() {
        inRead = false;
        if (flushNeeded) {
            flushNeeded = false;
            flush();
        }
    }

    void requestFlush() {
        if (inRead) {
            flushNeeded = true;
        } else if (!flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        flush();
    }
}
