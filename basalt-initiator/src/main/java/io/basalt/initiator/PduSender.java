package io.basalt.initiator;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Sqe;
import io.basalt.nvme.tcp.CapsulePdu;
import io.basalt.nvme.tcp.CommonHeader;
import io.basalt.nvme.tcp.Crc32c;
import io.basalt.nvme.tcp.DataPdu;
import io.basalt.nvme.tcp.IcReq;
import io.basalt.nvme.tcp.PduFlags;
import io.basalt.nvme.tcp.PduType;
import io.basalt.nvme.tcp.TermReq;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;

import java.util.zip.CRC32C;

/**
 * The send side of one queue connection: ICReq, command capsules, the H2CData that answers each
 * R2T, and H2CTermReq. A command's data goes out by reference (a retained slice of the caller's
 * buffer), never copied; only PDU headers and digests are allocated, from the channel's pooled
 * allocator. Event loop only.
 *
 * <p>Flushes are batched: writes made while a read is processed (completions that submit again,
 * R2T answers) share one flush when the read is done; other writes share one flush task per turn
 * of the loop. Either way a burst of commands costs one system call, not one each.
 */
final class PduSender {
    private final EventLoop loop;
    private final CRC32C crc = new CRC32C();
    private final Runnable flushTask = this::flushNow;
    private ChannelHandlerContext ctx;
    // Negotiated by ICReq/ICResp; until then no command can be sent.
    private boolean headerDigest;
    private boolean dataDigest;
    private int maxH2cData;
    private int inCapsuleLimit = CapsulePdu.ADMIN_IN_CAPSULE_LIMIT;
    private boolean inRead;
    private boolean flushNeeded;
    private boolean flushScheduled;

    PduSender(EventLoop loop) {
        this.loop = loop;
    }

    void attach(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** What the ICResp granted. */
    void negotiated(boolean headerDigest, boolean dataDigest, int maxH2cData) {
        this.headerDigest = headerDigest;
        this.dataDigest = dataDigest;
        this.maxH2cData = maxH2cData;
    }

    /** The largest write sent in-capsule (IOCCSZ, once Identify told it). */
    void inCapsuleLimit(int limit) {
        this.inCapsuleLimit = limit;
    }

    void sendIcReq(int dgst) {
        ByteBuf ic = ctx.alloc().directBuffer(IcReq.LENGTH);
        IcReq.write(ic, 0, dgst, 0);
        ctx.writeAndFlush(ic, ctx.voidPromise());
    }

    /**
     * Sends the command in {@code sqe} for slot {@code s}, whose command ID and data it fills into
     * the SQE's SGL: the data in the capsule when it is host-to-controller and fits, else
     * announced for the target to ask for with R2T (or to send with C2HData).
     */
    void sendCommand(ByteBuf sqe, CommandSlot s) {
        int length = s.length;
        boolean inCapsule = s.direction == Opcodes.XFER_HOST_TO_CONTROLLER && length > 0
                && length <= inCapsuleLimit;
        s.inCapsule = inCapsule;

        sqe.setShortLE(Sqe.CID_OFFSET, s.cid);
        sqe.setByte(Sqe.FLAGS_OFFSET, (sqe.getUnsignedByte(Sqe.FLAGS_OFFSET) & 0x3F) | 0x40); // PSDT: SGL
        sqe.setLongLE(Sqe.SGL_ADDRESS_OFFSET, 0);
        sqe.setIntLE(Sqe.SGL_LENGTH_OFFSET, length);
        sqe.setByte(Sqe.SGL_IDENTIFIER_OFFSET, inCapsule ? Sqe.SGL_DATA_BLOCK_OFFSET : Sqe.SGL_TRANSPORT_DATA_BLOCK);

        int hd = headerDigest ? CommonHeader.DIGEST_LENGTH : 0;
        int dd = inCapsule && dataDigest ? CommonHeader.DIGEST_LENGTH : 0;
        int headerLength = CapsulePdu.CMD_HEADER_LENGTH + hd;
        int flags = (hd != 0 ? PduFlags.HDGSTF : 0) | (dd != 0 ? PduFlags.DDGSTF : 0);
        ByteBuf h = ctx.alloc().directBuffer(headerLength);
        CommonHeader.write(h, PduType.CAPSULE_CMD, flags, CapsulePdu.CMD_HEADER_LENGTH, inCapsule ? headerLength : 0,
                headerLength + (inCapsule ? length + dd : 0));
        h.writeBytes(sqe, 0, Sqe.LENGTH);
        appendHeaderDigest(h, CapsulePdu.CMD_HEADER_LENGTH);
        ctx.write(h, ctx.voidPromise());
        if (inCapsule) {
            writeData(s.data, s.dataIndex, length, dd != 0);
            s.sent = length;
        }
        requestFlush();
    }

    /**
     * Answers an R2T the receiver checked: bytes {@code [offset, end)} of the command's data as
     * H2CData PDUs of at most MAXH2CDATA bytes each, the last one flagged.
     */
    void sendData(CommandSlot s, int ttag, int offset, int end) {
        int hd = headerDigest ? CommonHeader.DIGEST_LENGTH : 0;
        int dd = dataDigest ? CommonHeader.DIGEST_LENGTH : 0;
        for (int off = offset; off < end; ) {
            int n = Math.min(maxH2cData, end - off);
            boolean last = off + n == end;
            int flags = (last ? PduFlags.LAST_PDU : 0) | (hd != 0 ? PduFlags.HDGSTF : 0) | (dd != 0 ? PduFlags.DDGSTF : 0);
            int pdo = DataPdu.HEADER_LENGTH + hd;
            ByteBuf h = ctx.alloc().directBuffer(pdo);
            DataPdu.writeHeader(h, PduType.H2C_DATA, flags, pdo, pdo + n + dd, s.cid, ttag, off, n);
            appendHeaderDigest(h, DataPdu.HEADER_LENGTH);
            ctx.write(h, ctx.voidPromise());
            writeData(s.data, s.dataIndex + off, n, dd != 0);
            off += n;
        }
        s.sent = end;
        requestFlush();
    }

    /** H2CTermReq with the first {@code length} bytes of the offending header as its error data. */
    void sendTermReq(int fes, int fei, ByteBuf header, int length) {
        ByteBuf term = ctx.alloc().directBuffer(TermReq.HEADER_LENGTH + length);
        TermReq.write(term, PduType.H2C_TERM_REQ, fes, fei, header, 0, length);
        ctx.writeAndFlush(term);
    }

    /** A read is being processed: flushes wait for {@link #readComplete}. */
    void readStarted() {
        inRead = true;
    }

    void readComplete() {
        inRead = false;
        if (flushNeeded) {
            flushNeeded = false;
            ctx.flush();
        }
    }

    private void writeData(ByteBuf data, int index, int length, boolean digest) {
        ctx.write(data.retainedSlice(index, length), ctx.voidPromise());
        if (digest) {
            int c = Crc32c.compute(crc, data, index, length);
            ctx.write(ctx.alloc().directBuffer(CommonHeader.DIGEST_LENGTH).writeIntLE(c), ctx.voidPromise());
        }
    }

    private void appendHeaderDigest(ByteBuf b, int hlen) {
        if (headerDigest) {
            b.writeIntLE(Crc32c.compute(crc, b, b.writerIndex() - hlen, hlen));
        }
    }

    private void requestFlush() {
        if (inRead) {
            flushNeeded = true;
        } else if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        if (ctx != null) {
            ctx.flush();
        }
    }
}
