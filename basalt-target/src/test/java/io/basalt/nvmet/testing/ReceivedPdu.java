package io.basalt.nvmet.testing;

import io.basalt.nvme.Cqe;
import io.basalt.nvme.tcp.CommonHeader;
import io.basalt.nvme.tcp.DataPdu;
import io.basalt.nvme.tcp.TermReq;
import io.netty.buffer.ByteBuf;

/** One PDU the target sent, copied out of the stream, with accessors for what tests check. */
public record ReceivedPdu(int type, int flags, int hlen, int pdo, int plen, ByteBuf bytes) {

    public static ReceivedPdu of(ByteBuf b) {
        return new ReceivedPdu(CommonHeader.type(b, 0), CommonHeader.flags(b, 0), CommonHeader.hlen(b, 0),
                CommonHeader.pdo(b, 0), (int) CommonHeader.plen(b, 0), b);
    }

    public int cqeStatus() {
        return Cqe.status(bytes, 8);
    }

    public int cqeCid() {
        return Cqe.cid(bytes, 8);
    }

    public long cqeResult() {
        return Cqe.result(bytes, 8);
    }

    public int cqeSqhd() {
        return Cqe.sqhd(bytes, 8);
    }

    public int fes() {
        return TermReq.fes(bytes, 0);
    }

    public long fei() {
        return TermReq.fei(bytes, 0);
    }

    public int ttag() {
        return DataPdu.ttag(bytes, 0);
    }

    public int cccid() {
        return DataPdu.cccid(bytes, 0);
    }

    /** R2T offset/length and C2HData offset/length share the same positions. */
    public long dataOffset() {
        return DataPdu.datao(bytes, 0);
    }

    public long dataLength() {
        return DataPdu.datal(bytes, 0);
    }

    /** The data carried by a C2HData PDU. */
    public ByteBuf data() {
        return bytes.slice(pdo, (int) dataLength());
    }
}
