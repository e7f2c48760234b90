package io.basalt.nvmet.testing;

import io.basalt.nvme.Sqe;
import io.basalt.nvme.tcp.CommonHeader;
import io.basalt.nvme.tcp.DataPdu;
import io.basalt.nvme.tcp.IcReq;
import io.basalt.nvme.tcp.PduFlags;
import io.basalt.nvme.tcp.PduType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.zip.CRC32C;

/** Builds host-to-controller PDUs for tests, exactly as a host would put them on the wire. */
public final class Pdus {
    private Pdus() {
    }

    public static ByteBuf icReq(int hpda, int dgst) {
        ByteBuf b = Unpooled.buffer(IcReq.LENGTH);
        IcReq.write(b, hpda, dgst, 0);
        return b;
    }

    /** A 64-byte SQE with the given opcode, cid and nsid; the caller sets the rest. */
    public static ByteBuf sqe(int opcode, int cid, int nsid) {
        ByteBuf b = Unpooled.buffer(Sqe.LENGTH);
        b.writeZero(Sqe.LENGTH);
        b.setByte(Sqe.OPCODE_OFFSET, opcode);
        b.setByte(Sqe.FLAGS_OFFSET, 0x40); // PSDT: SGL
        b.setShortLE(Sqe.CID_OFFSET, cid);
        b.setIntLE(Sqe.NSID_OFFSET, nsid);
        return b;
    }

    /** Points the SQE's SGL at in-capsule data of the given length. */
    public static ByteBuf inCapsule(ByteBuf sqe, int length) {
        sqe.setLongLE(Sqe.SGL_ADDRESS_OFFSET, 0);
        sqe.setIntLE(Sqe.SGL_LENGTH_OFFSET, length);
        sqe.setByte(Sqe.SGL_IDENTIFIER_OFFSET, Sqe.SGL_DATA_BLOCK_OFFSET);
        return sqe;
    }

    /** Points the SQE's SGL at a transport data block (data by R2T or C2HData). */
    public static ByteBuf transport(ByteBuf sqe, int length) {
        sqe.setLongLE(Sqe.SGL_ADDRESS_OFFSET, 0);
        sqe.setIntLE(Sqe.SGL_LENGTH_OFFSET, length);
        sqe.setByte(Sqe.SGL_IDENTIFIER_OFFSET, Sqe.SGL_TRANSPORT_DATA_BLOCK);
        return sqe;
    }

    /** A CapsuleCmd carrying the SQE and optional in-capsule data, with digests as negotiated. */
    public static ByteBuf capsule(ByteBuf sqe, ByteBuf data, boolean hdgst, boolean ddgst) {
        int hlen = 72;
        int hd = hdgst ? 4 : 0;
        int dataLen = data == null ? 0 : data.readableBytes();
        int dd = ddgst && dataLen > 0 ? 4 : 0;
        int flags = (hdgst ? PduFlags.HDGSTF : 0) | (dd > 0 ? PduFlags.DDGSTF : 0);
        int pdo = dataLen > 0 ? hlen + hd : 0;
        ByteBuf b = Unpooled.buffer();
        CommonHeader.write(b, PduType.CAPSULE_CMD, flags, hlen, pdo, hlen + hd + dataLen + dd);
        b.writeBytes(sqe, 0, Sqe.LENGTH);
        if (hdgst) {
            b.writeIntLE(crc(b, 0, hlen));
        }
        if (dataLen > 0) {
            int at = b.writerIndex();
            b.writeBytes(data, data.readerIndex(), dataLen);
            if (dd > 0) {
                b.writeIntLE(crc(b, at, dataLen));
            }
        }
        return b;
    }

    public static ByteBuf h2cData(int cccid, int ttag, int datao, ByteBuf data, boolean last, boolean hdgst,
                                  boolean ddgst) {
        int hd = hdgst ? 4 : 0;
        int dd = ddgst ? 4 : 0;
        int len = data.readableBytes();
        int flags = (last ? PduFlags.LAST_PDU : 0) | (hdgst ? PduFlags.HDGSTF : 0) | (ddgst ? PduFlags.DDGSTF : 0);
        ByteBuf b = Unpooled.buffer();
        DataPdu.writeHeader(b, PduType.H2C_DATA, flags, 24 + hd, 24 + hd + len + dd, cccid, ttag, datao, len);
        if (hdgst) {
            b.writeIntLE(crc(b, 0, 24));
        }
        int at = b.writerIndex();
        b.writeBytes(data, data.readerIndex(), len);
        if (ddgst) {
            b.writeIntLE(crc(b, at, len));
        }
        return b;
    }

    public static int crc(ByteBuf b, int index, int length) {
        CRC32C c = new CRC32C();
        byte[] bytes = new byte[length];
        b.getBytes(index, bytes);
        c.update(bytes);
        return (int) c.getValue();
    }
}
