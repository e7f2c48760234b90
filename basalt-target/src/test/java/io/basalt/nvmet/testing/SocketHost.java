package io.basalt.nvmet.testing;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.tcp.CommonHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A blocking host over a real TCP socket, for tests against a running target. */
public final class SocketHost implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int nextCid = 1;

    public SocketHost(InetSocketAddress target, int timeoutMillis) throws IOException {
        socket = new Socket();
        socket.connect(target, timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public void send(ByteBuf pdu) throws IOException {
        byte[] bytes = new byte[pdu.readableBytes()];
        pdu.readBytes(bytes);
        pdu.release();
        out.write(bytes);
        out.flush();
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one whole PDU; throws on timeout or end of stream. */
    public ReceivedPdu receive() throws IOException {
        byte[] header = new byte[CommonHeader.LENGTH];
        in.readFully(header);
        ByteBuf h = Unpooled.wrappedBuffer(header);
        int plen = (int) CommonHeader.plen(h, 0);
        if (plen < CommonHeader.LENGTH || plen > (1 << 24)) {
            throw new IOException("implausible PLEN from target: " + plen);
        }
        byte[] pdu = new byte[plen];
        System.arraycopy(header, 0, pdu, 0, header.length);
        in.readFully(pdu, header.length, plen - header.length);
        return ReceivedPdu.of(Unpooled.wrappedBuffer(pdu));
    }

    public int cid() {
        return nextCid++ & 0xFFFF;
    }

    /** ICReq (no digests), admin Connect and CC.EN = 1; returns the controller ID. */
    public int connectAdmin(String subNqn, String hostNqn) throws IOException {
        send(Pdus.icReq(0, 0));
        receive();
        ReceivedPdu resp = connect(0, 31, 0xFFFF, subNqn, hostNqn);
        if (resp.cqeStatus() != 0) {
            throw new IOException("admin connect failed: " + resp.cqeStatus());
        }
        ByteBuf sqe = Pdus.transport(Pdus.sqe(Opcodes.FABRICS, cid(), 0), 0);
        sqe.setByte(4, Opcodes.FCTYPE_PROPERTY_SET).setIntLE(44, 0x14).setLongLE(48, 0x460001);
        send(Pdus.capsule(sqe, null, false, false));
        receive();
        return (int) resp.cqeResult() & 0xFFFF;
    }

    /** ICReq and I/O queue Connect. */
    public void connectIo(String subNqn, String hostNqn, int cntlid, int qid) throws IOException {
        send(Pdus.icReq(0, 0));
        receive();
        ReceivedPdu resp = connect(qid, 127, cntlid, subNqn, hostNqn);
        if (resp.cqeStatus() != 0) {
            throw new IOException("I/O connect failed: " + resp.cqeStatus());
        }
    }

    private ReceivedPdu connect(int qid, int sqsize, int cntlid, String subNqn, String hostNqn) throws IOException {
        ByteBuf sqe = Pdus.sqe(Opcodes.FABRICS, cid(), 0);
        sqe.setByte(4, Opcodes.FCTYPE_CONNECT).setShortLE(42, qid).setShortLE(44, sqsize);
        ByteBuf data = Unpooled.buffer(1024).writeZero(1024);
        data.setShortLE(16, cntlid);
        data.setBytes(256, subNqn.getBytes(StandardCharsets.UTF_8));
        data.setBytes(512, hostNqn.getBytes(StandardCharsets.UTF_8));
        send(Pdus.capsule(Pdus.inCapsule(sqe, 1024), data, false, false));
        return receive();
    }

    /** Writes one block in-capsule and returns the completion status. */
    public int write(int nsid, long lba, byte[] block) throws IOException {
        ByteBuf sqe = Pdus.sqe(Opcodes.IO_WRITE, cid(), nsid);
        sqe.setLongLE(40, lba);
        send(Pdus.capsule(Pdus.inCapsule(sqe, block.length), Unpooled.wrappedBuffer(block), false, false));
        return receive().cqeStatus();
    }

    /** Reads one block; returns its bytes, or throws if the command failed. */
    public byte[] read(int nsid, long lba, int blockSize) throws IOException {
        ByteBuf sqe = Pdus.sqe(Opcodes.IO_READ, cid(), nsid);
        sqe.setLongLE(40, lba);
        send(Pdus.capsule(Pdus.transport(sqe, blockSize), null, false, false));
        ReceivedPdu data = receive();
        if (data.type() != io.basalt.nvme.tcp.PduType.C2H_DATA) {
            throw new IOException("read failed with status " + data.cqeStatus());
        }
        ReceivedPdu resp = receive();
        if (resp.cqeStatus() != 0) {
            throw new IOException("read failed with status " + resp.cqeStatus());
        }
        byte[] out = new byte[blockSize];
        data.data().getBytes(0, out);
        return out;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
