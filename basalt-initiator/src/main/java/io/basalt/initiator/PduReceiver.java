package io.basalt.initiator;

import io.basalt.nvme.Cqe;
import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.basalt.nvme.tcp.CapsulePdu;
import io.basalt.nvme.tcp.CommonHeader;
import io.basalt.nvme.tcp.Crc32c;
import io.basalt.nvme.tcp.DataPdu;
import io.basalt.nvme.tcp.IcReq;
import io.basalt.nvme.tcp.IcResp;
import io.basalt.nvme.tcp.PduFlags;
import io.basalt.nvme.tcp.PduType;
import io.basalt.nvme.tcp.R2t;
import io.basalt.nvme.tcp.TermReq;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.zip.CRC32C;

/**
 * The receive side of one queue connection: a state machine over the byte stream from the
 * target. {@code HEADER} collects the common header, then the rest of the header up to PDO (digest
 * included); {@code DATA} copies a C2HData payload straight into the command's buffer as it
 * arrives; {@code DATA_DIGEST} collects its digest. A PDU is checked against the command it names
 * before anything is done with it.
 *
 * <p>Anything the target sends that the Linux host would refuse is fatal ({@link #fatal}): an
 * H2CTermReq goes out, the connection ends, and the stream is never resynchronised. Event loop
 * only; the connection feeds bytes in only while it is awaiting the ICResp or ready.
 */
final class PduReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(PduReceiver.class);
    private static final int HEADER_BUFFER = 256;

    private enum Rx { HEADER, DATA, DATA_DIGEST }

    private final QueueConnection connection;
    private final CommandSlots slots;
    private final PduSender sender;
    private final String name;
    private final int askedDigests;
    private final boolean sqFlowControlDisabled;
    private final CRC32C crc = new CRC32C();
    // A heap buffer owned by this object (no reference counting): after a fatal error it still
    // holds the offending header for the H2CTermReq.
    private final ByteBuf hdr = Unpooled.buffer(HEADER_BUFFER, HEADER_BUFFER);
    private boolean established;
    private boolean headerDigest;
    private boolean dataDigest;

    private Rx rx = Rx.HEADER;
    private int hdrTarget;
    private CommandSlot rxSlot;
    private int rxDstIndex;
    private int rxRemaining;
    private int rxFlags;
    private int rxDigest;
    private int rxDigestBytes;

    /** {@code sqFlowControlDisabled}: whether Connect asks for it, which makes the C2HData SUCCESS flag valid. */
    PduReceiver(QueueConnection connection, CommandSlots slots, PduSender sender, InitiatorConfig config,
                boolean sqFlowControlDisabled) {
        this.connection = connection;
        this.slots = slots;
        this.sender = sender;
        this.name = connection.name();
        this.askedDigests = (config.headerDigest() ? IcReq.DGST_HEADER : 0) | (config.dataDigest() ? IcReq.DGST_DATA : 0);
        this.sqFlowControlDisabled = sqFlowControlDisabled;
    }

    /** The DGST field for the ICReq: the digests the configuration asks for, which the ICResp must grant. */
    int askedDigests() {
        return askedDigests;
    }

    /** Consumes bytes of {@code in} up to the end of the current state's part of a PDU. */
    void receive(ByteBuf in) {
        switch (rx) {
            case HEADER -> readHeader(in);
            case DATA -> readData(in);
            default -> readDataDigest(in);
        }
    }

    // ---- headers ----------------------------------------------------------------------------

    private void readHeader(ByteBuf in) {
        int target = hdrTarget == 0 ? CommonHeader.LENGTH : hdrTarget;
        int n = Math.min(target - hdr.writerIndex(), in.readableBytes());
        hdr.writeBytes(in, n);
        if (hdr.writerIndex() < target) {
            return;
        }
        if (hdrTarget == 0) {
            hdrTarget = checkCommonHeader();
            if (hdrTarget > 0 && hdr.writerIndex() == hdrTarget) {
                onHeader();
            }
        } else {
            onHeader();
        }
    }

    /**
     * Validates the common header; returns how many header bytes to collect (through PDO for data
     * PDUs, the whole PDU otherwise), or -1 after a fatal error.
     */
    private int checkCommonHeader() {
        int type = CommonHeader.type(hdr, 0);
        int flags = CommonHeader.flags(hdr, 0);
        int hlen = CommonHeader.hlen(hdr, 0);
        int pdo = CommonHeader.pdo(hdr, 0);
        long plen = CommonHeader.plen(hdr, 0);
        if (type != PduType.IC_RESP && type != PduType.C2H_TERM_REQ && type != PduType.CAPSULE_RESP
                && type != PduType.C2H_DATA && type != PduType.R2T) {
            return fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.TYPE_OFFSET,
                    "PDU type " + type + " is not one a controller may send");
        }
        if (type != PduType.C2H_TERM_REQ && established == (type == PduType.IC_RESP)) {
            return fatal(TermReq.FES_PDU_SEQUENCE_ERROR, CommonHeader.TYPE_OFFSET,
                    PduType.name(type) + " in state " + connection.state());
        }
        if (hlen != PduType.headerLength(type)) {
            return fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.HLEN_OFFSET,
                    PduType.name(type) + " with HLEN " + hlen);
        }
        if (type == PduType.IC_RESP) {
            return plen == IcResp.LENGTH ? IcResp.LENGTH
                    : fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.PLEN_OFFSET, "ICResp with PLEN " + plen);
        }
        if (type == PduType.C2H_TERM_REQ) {
            return plen >= TermReq.HEADER_LENGTH && plen <= TermReq.HEADER_LENGTH + TermReq.MAX_ERROR_DATA
                    ? (int) plen
                    : fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.PLEN_OFFSET, "C2HTermReq with PLEN " + plen);
        }
        int hd = headerDigest ? CommonHeader.DIGEST_LENGTH : 0;
        if (((flags & PduFlags.HDGSTF) != 0) != headerDigest) {
            return fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.FLAGS_OFFSET,
                    PduType.name(type) + (headerDigest ? " without" : " with") + " a header digest");
        }
        if (type != PduType.C2H_DATA) {
            return plen == hlen + hd ? hlen + hd
                    : fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.PLEN_OFFSET,
                    PduType.name(type) + " with PLEN " + plen);
        }
        int dd = dataDigest ? CommonHeader.DIGEST_LENGTH : 0;
        if (((flags & PduFlags.DDGSTF) != 0) != dataDigest) {
            return fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.FLAGS_OFFSET,
                    "C2HData" + (dataDigest ? " without" : " with") + " a data digest");
        }
        if (pdo < hlen + hd || pdo % 4 != 0) {
            return fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.PDO_OFFSET, "C2HData with PDO " + pdo);
        }
        if (plen <= pdo + dd) {
            return fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.PLEN_OFFSET, "C2HData with no data");
        }
        return pdo;
    }

    private void onHeader() {
        int type = CommonHeader.type(hdr, 0);
        int hlen = CommonHeader.hlen(hdr, 0);
        if (headerDigest && type != PduType.IC_RESP && type != PduType.C2H_TERM_REQ
                && hdr.getIntLE(hlen) != Crc32c.compute(crc, hdr, 0, hlen)) {
            fatal(TermReq.FES_HEADER_DIGEST_ERROR, 0, PduType.name(type) + " with a wrong header digest");
            return;
        }
        switch (type) {
            case PduType.IC_RESP -> onIcResp();
            case PduType.CAPSULE_RESP -> onCapsuleResp();
            case PduType.R2T -> onR2t();
            case PduType.C2H_DATA -> {
                onC2hData();
                return; // the header is kept until the data is in
            }
            default -> onTermReq();
        }
        resetHeader();
    }

    /**
     * Back to collecting a header. After a fatal error or a C2HTermReq the connection feeds no
     * more bytes in, so the state left behind then is never read.
     */
    private void resetHeader() {
        hdr.clear();
        hdrTarget = 0;
        rx = Rx.HEADER;
    }

    private void onIcResp() {
        if (IcResp.pfv(hdr, 0) != 0) {
            fatal(TermReq.FES_UNSUPPORTED_PARAMETER, IcResp.PFV_OFFSET, "ICResp with PFV " + IcResp.pfv(hdr, 0));
            return;
        }
        if (IcResp.cpda(hdr, 0) != 0) {
            fatal(TermReq.FES_UNSUPPORTED_PARAMETER, IcResp.CPDA_OFFSET,
                    "ICResp with CPDA " + IcResp.cpda(hdr, 0) + " (only 0 is supported)");
            return;
        }
        int dgst = IcResp.dgst(hdr, 0);
        if (dgst != askedDigests) {
            fatal(TermReq.FES_UNSUPPORTED_PARAMETER, IcResp.DGST_OFFSET,
                    "ICResp digests " + dgst + " differ from the " + askedDigests + " asked for");
            return;
        }
        long maxh2c = IcResp.maxh2cdata(hdr, 0);
        if (maxh2c % 4 != 0 || maxh2c < 4096 || maxh2c > Integer.MAX_VALUE) {
            fatal(TermReq.FES_UNSUPPORTED_PARAMETER, IcResp.MAXH2CDATA_OFFSET, "ICResp with MAXH2CDATA " + maxh2c);
            return;
        }
        headerDigest = (dgst & IcReq.DGST_HEADER) != 0;
        dataDigest = (dgst & IcReq.DGST_DATA) != 0;
        established = true;
        sender.negotiated(headerDigest, dataDigest, (int) maxh2c);
        connection.established();
    }

    private void onTermReq() {
        connection.terminatedByTarget(TermReq.fes(hdr, 0), TermReq.fei(hdr, 0));
    }

    /** The in-flight command a controller PDU names, or null after a fatal error. */
    private CommandSlot lookup(int cid, int fei, String what) {
        CommandSlot s = slots.find(cid);
        if (s == null) {
            fatal(TermReq.FES_INVALID_HEADER_FIELD, fei, what + " for unknown command id " + cid);
        }
        return s;
    }

    private void onCapsuleResp() {
        int base = CapsulePdu.ENTRY_OFFSET;
        CommandSlot s = lookup(Cqe.cid(hdr, base), base + Cqe.CID_OFFSET, "CapsuleResp");
        if (s == null) {
            return;
        }
        slots.complete(s, Cqe.status(hdr, base), Cqe.result(hdr, base));
    }

    // ---- data transfers ---------------------------------------------------------------------

    private void onR2t() {
        CommandSlot s = lookup(R2t.cccid(hdr, 0), R2t.CCCID_OFFSET, "R2T");
        if (s == null) {
            return;
        }
        long r2to = R2t.r2to(hdr, 0);
        long r2tl = R2t.r2tl(hdr, 0);
        if (s.direction != Opcodes.XFER_HOST_TO_CONTROLLER || s.inCapsule || s.abandoned) {
            fatal(TermReq.FES_PDU_SEQUENCE_ERROR, R2t.CCCID_OFFSET, "R2T for a command with no data to solicit");
            return;
        }
        if (r2tl == 0) {
            fatal(TermReq.FES_INVALID_HEADER_FIELD, R2t.R2TL_OFFSET, "R2T with length 0");
            return;
        }
        if (r2to != s.sent) {
            fatal(TermReq.FES_DATA_OUT_OF_RANGE, R2t.R2TO_OFFSET, "R2T offset " + r2to + ", expected " + s.sent);
            return;
        }
        if (r2to + r2tl > s.length) {
            fatal(TermReq.FES_DATA_OUT_OF_RANGE, R2t.R2TL_OFFSET, "R2T for bytes " + r2to + ".." + (r2to + r2tl)
                    + " beyond the " + s.length + "-byte transfer");
            return;
        }
        sender.sendData(s, R2t.ttag(hdr, 0), (int) r2to, (int) (r2to + r2tl));
    }

    private void onC2hData() {
        CommandSlot s = lookup(DataPdu.cccid(hdr, 0), DataPdu.CCCID_OFFSET, "C2HData");
        if (s == null) {
            return;
        }
        int flags = CommonHeader.flags(hdr, 0);
        long plen = CommonHeader.plen(hdr, 0);
        int pdo = CommonHeader.pdo(hdr, 0);
        long datao = DataPdu.datao(hdr, 0);
        long datal = DataPdu.datal(hdr, 0);
        long expected = plen - pdo - (dataDigest ? CommonHeader.DIGEST_LENGTH : 0);
        if (s.direction != Opcodes.XFER_CONTROLLER_TO_HOST) {
            fatal(TermReq.FES_PDU_SEQUENCE_ERROR, DataPdu.CCCID_OFFSET, "C2HData for a command that reads no data");
            return;
        }
        if (datal != expected) {
            fatal(TermReq.FES_INVALID_HEADER_FIELD, DataPdu.DATAL_OFFSET, "C2HData DATAL " + datal
                    + " but PLEN leaves " + expected);
            return;
        }
        if (datao != s.received) {
            fatal(TermReq.FES_DATA_OUT_OF_RANGE, DataPdu.DATAO_OFFSET, "C2HData at offset " + datao
                    + ", expected " + s.received);
            return;
        }
        if (datao + datal > s.length) {
            fatal(TermReq.FES_DATA_OUT_OF_RANGE, DataPdu.DATAL_OFFSET, "C2HData for bytes " + datao + ".."
                    + (datao + datal) + " beyond the " + s.length + "-byte transfer");
            return;
        }
        if ((flags & PduFlags.SUCCESS) != 0 && !checkSuccessFlag(flags, s, datao + datal)) {
            return;
        }
        rxSlot = s;
        rxFlags = flags;
        rxDstIndex = s.dataIndex + (int) datao;
        rxRemaining = (int) datal;
        s.received += (int) datal;
        crc.reset();
        rx = Rx.DATA;
    }

    /** SUCCESS completes the command without a CapsuleResp: only on the last PDU, only where asked for. */
    private boolean checkSuccessFlag(int flags, CommandSlot s, long end) {
        if ((flags & PduFlags.LAST_PDU) == 0) {
            fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.FLAGS_OFFSET, "C2HData SUCCESS without LAST_PDU");
            return false;
        }
        if (!sqFlowControlDisabled) {
            fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.FLAGS_OFFSET,
                    "C2HData SUCCESS on a queue with SQ flow control");
            return false;
        }
        if (end != s.length) {
            fatal(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.FLAGS_OFFSET,
                    "C2HData SUCCESS before the whole transfer");
            return false;
        }
        return true;
    }

    private void readData(ByteBuf in) {
        int n = Math.min(rxRemaining, in.readableBytes());
        int at = in.readerIndex();
        CommandSlot s = rxSlot;
        if (!s.abandoned) {
            s.data.setBytes(rxDstIndex, in, at, n);
        }
        if (dataDigest) {
            Crc32c.update(crc, in, at, n);
        }
        in.skipBytes(n);
        rxDstIndex += n;
        rxRemaining -= n;
        if (rxRemaining == 0) {
            if (dataDigest) {
                rx = Rx.DATA_DIGEST;
                rxDigest = 0;
                rxDigestBytes = 0;
            } else {
                dataDone(true);
            }
        }
    }

    private void readDataDigest(ByteBuf in) {
        while (rxDigestBytes < CommonHeader.DIGEST_LENGTH && in.isReadable()) {
            rxDigest |= in.readUnsignedByte() << (8 * rxDigestBytes++);
        }
        if (rxDigestBytes == CommonHeader.DIGEST_LENGTH) {
            dataDone(rxDigest == (int) crc.getValue());
        }
    }

    private void dataDone(boolean digestOk) {
        CommandSlot s = rxSlot;
        rxSlot = null;
        if (!digestOk) {
            // As Linux: the command fails, the stream is intact.
            LOG.warn("{}: data digest mismatch on C2HData for cid {}", name, s.cid);
            s.digestError = true;
        }
        resetHeader();
        if ((rxFlags & PduFlags.SUCCESS) != 0 && s.inUse) {
            slots.complete(s, Status.SUCCESS, 0);
        }
    }

    // ---- fatal errors -----------------------------------------------------------------------

    /** Ends the connection after a protocol violation by the target: H2CTermReq, then close. Returns -1. */
    private int fatal(int fes, int fei, String message) {
        if (connection.hasEnded()) {
            return -1;
        }
        LOG.warn("{}: fatal transport error: {}; terminating the connection", name, message);
        sender.sendTermReq(fes, fei, hdr, Math.min(hdr.writerIndex(), TermReq.MAX_ERROR_DATA));
        connection.fail(name + ": protocol error from target: " + message, null);
        return -1;
    }
}
