package io.basalt.nvmet.transport;

import io.basalt.nvme.tcp.CapsulePdu;
import io.basalt.nvme.tcp.CommonHeader;
import io.basalt.nvme.tcp.IcReq;
import io.basalt.nvme.tcp.PduFlags;
import io.basalt.nvme.tcp.PduType;
import io.basalt.nvme.tcp.TermReq;
import io.basalt.nvmet.controller.ProtocolLimits;
import io.netty.buffer.ByteBuf;

/**
 * Checks a received PDU's common header before the rest of it is waited for: type against the
 * connection's state, HLEN, digest flags, PDO, and PLEN against the limits, so a hostile length
 * is refused before anything is buffered for it. On a refusal it keeps the fatal error status
 * (FES) and the offset of the offending field (FEI) for the C2HTermReq. One per connection,
 * owned by its event loop.
 */
final class PduHeaderCheck {
    private final ProtocolLimits config;
    private int fes;
    private int fei;

    PduHeaderCheck(ProtocolLimits config) {
        this.config = config;
    }

    /** The fatal error status of the last refusal. */
    int fes() {
        return fes;
    }

    /** The offset of the offending field in the last refused header. */
    int fei() {
        return fei;
    }

    /**
     * Returns the PDU length, or -1 when the header is refused ({@link #fes()}, {@link #fei()} say
     * why). {@code awaitingIcReq}: the connection expects its ICReq; the digest flags are what the
     * ICReq negotiated.
     */
    long check(ByteBuf in, int base, boolean awaitingIcReq, boolean headerDigest, boolean dataDigest) {
        int type = CommonHeader.type(in, base);
        int flags = CommonHeader.flags(in, base);
        int hlen = CommonHeader.hlen(in, base);
        long plen = CommonHeader.plen(in, base);
        if (type != PduType.IC_REQ && type != PduType.H2C_TERM_REQ && type != PduType.CAPSULE_CMD
                && type != PduType.H2C_DATA) {
            return refuse(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.TYPE_OFFSET);
        }
        if (awaitingIcReq != (type == PduType.IC_REQ) && type != PduType.H2C_TERM_REQ) {
            return refuse(TermReq.FES_PDU_SEQUENCE_ERROR, CommonHeader.TYPE_OFFSET);
        }
        if (hlen != PduType.headerLength(type)) {
            return refuse(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.HLEN_OFFSET);
        }
        int hd = digestLength(type, headerDigest);
        boolean wantsHeaderDigest = hd != 0;
        if (type == PduType.CAPSULE_CMD || type == PduType.H2C_DATA) {
            if (((flags & PduFlags.HDGSTF) != 0) != wantsHeaderDigest) {
                return refuse(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.FLAGS_OFFSET);
            }
        }
        long min;
        long max;
        switch (type) {
            case PduType.IC_REQ -> {
                min = IcReq.LENGTH;
                max = IcReq.LENGTH;
            }
            case PduType.H2C_TERM_REQ -> {
                min = TermReq.HEADER_LENGTH;
                max = TermReq.HEADER_LENGTH + TermReq.MAX_ERROR_DATA;
            }
            case PduType.CAPSULE_CMD -> {
                min = hlen + hd;
                max = hlen + hd + Math.max(config.inCapsuleDataSize(), CapsulePdu.ADMIN_IN_CAPSULE_LIMIT)
                        + CommonHeader.DIGEST_LENGTH;
            }
            default -> { // H2C_DATA
                min = hlen + hd + 1;
                max = hlen + hd + config.maxH2cData() + CommonHeader.DIGEST_LENGTH;
            }
        }
        if (plen < min) {
            return refuse(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.PLEN_OFFSET);
        }
        if (plen > max) {
            int fes = type == PduType.CAPSULE_CMD || type == PduType.H2C_DATA
                    ? TermReq.FES_DATA_LIMIT_EXCEEDED : TermReq.FES_INVALID_HEADER_FIELD;
            return refuse(fes, CommonHeader.PLEN_OFFSET);
        }
        if (plen > hlen + hd) {
            // The PDU carries data: it must start right after the header (CPDA is 0) and the data
            // digest flag must match what was negotiated.
            if (CommonHeader.pdo(in, base) != hlen + hd) {
                return refuse(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.PDO_OFFSET);
            }
            if (((flags & PduFlags.DDGSTF) != 0) != dataDigest) {
                return refuse(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.FLAGS_OFFSET);
            }
            if (dataDigest && plen <= hlen + hd + CommonHeader.DIGEST_LENGTH) {
                return refuse(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.PLEN_OFFSET);
            }
        }
        return plen;
    }

    private long refuse(int fes, int fei) {
        this.fes = fes;
        this.fei = fei;
        return -1;
    }

    /** Header digest bytes on a received PDU of this type: never on ICReq or TermReq. */
    static int digestLength(int type, boolean enabled) {
        return enabled && type != PduType.IC_REQ && type != PduType.H2C_TERM_REQ ? CommonHeader.DIGEST_LENGTH : 0;
    }
}
