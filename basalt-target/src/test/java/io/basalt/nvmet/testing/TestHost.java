package io.basalt.nvmet.testing;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.basalt.nvme.tcp.CommonHeader;
import io.basalt.nvme.tcp.PduFlags;
import io.basalt.nvme.tcp.PduType;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.controller.PortInfo;
import io.basalt.nvmet.transport.ConnectionHandler;
import io.basalt.nvmet.transport.TransportErrors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A scripted host driving one {@link ConnectionHandler} in an {@link EmbeddedChannel}: everything
 * runs on the test thread, deterministically. It frames what the target sends back into PDUs.
 */
public final class TestHost implements AutoCloseable {
    public static final PortInfo IO_PORT = new PortInfo(false, new InetSocketAddress("127.0.0.1", 4420), 1);

    private final EmbeddedChannel channel;
    private final ByteBuf stream = Unpooled.buffer();
    private boolean hdgst;
    private boolean ddgst;
    private int nextCid = 1;
    /** PDUs that {@link #transfer} read but that answer other commands, handed out by {@link #poll} first. */
    private final ArrayDeque<ReceivedPdu> stashed = new ArrayDeque<>();

    public TestHost(ControllerRegistry registry) {
        this(registry, IO_PORT);
    }

    public TestHost(ControllerRegistry registry, PortInfo port) {
        channel = new EmbeddedChannel(new ConnectionHandler(registry, port, new TransportErrors()));
    }

    /** A connection whose local address (what the host dialled) is {@code local}, as a real socket has. */
    public TestHost(ControllerRegistry registry, PortInfo port, SocketAddress local) {
        channel = new EmbeddedChannel(true, false, new ConnectionHandler(registry, port, new TransportErrors())) {
            @Override
            protected SocketAddress localAddress0() {
                return local;
            }
        };
    }

    public EmbeddedChannel channel() {
        return channel;
    }

    public void send(ByteBuf pdu) {
        channel.writeInbound(pdu);
        channel.runPendingTasks();
    }

    /** Sends a PDU one byte at a time, as the slowest network would deliver it. */
    public void sendByteByByte(ByteBuf pdu) {
        while (pdu.isReadable()) {
            channel.writeInbound(pdu.readRetainedSlice(1));
        }
        pdu.release();
        channel.runPendingTasks();
    }

    /** Sends a PDU in the given chunk sizes (the last chunk takes the rest). */
    public void sendInChunks(ByteBuf pdu, int... sizes) {
        for (int size : sizes) {
            int n = Math.min(size, pdu.readableBytes());
            if (n > 0) {
                channel.writeInbound(pdu.readRetainedSlice(n));
            }
        }
        if (pdu.isReadable()) {
            channel.writeInbound(pdu.readRetainedSlice(pdu.readableBytes()));
        }
        pdu.release();
        channel.runPendingTasks();
    }

    /** The next whole PDU the target sent, or null if none is complete. */
    public ReceivedPdu poll() {
        if (!stashed.isEmpty()) {
            return stashed.poll();
        }
        channel.runPendingTasks();
        Object o;
        while ((o = channel.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            stream.writeBytes(b);
            b.release();
        }
        if (stream.readableBytes() < CommonHeader.LENGTH) {
            return null;
        }
        int plen = (int) CommonHeader.plen(stream, stream.readerIndex());
        if (stream.readableBytes() < plen) {
            return null;
        }
        ByteBuf copy = Unpooled.buffer(plen);
        stream.readBytes(copy, plen);
        stream.discardReadBytes();
        return ReceivedPdu.of(copy);
    }

    /** The next PDU, which must exist. */
    public ReceivedPdu next() {
        ReceivedPdu p = poll();
        assertThat(p).as("a PDU from the target").isNotNull();
        return p;
    }

    public List<ReceivedPdu> drain() {
        List<ReceivedPdu> out = new ArrayList<>();
        ReceivedPdu p;
        while ((p = poll()) != null) {
            out.add(p);
        }
        return out;
    }

    /** Sends ICReq asking for the given digests and checks the ICResp echoes them. */
    public ReceivedPdu initialize(boolean headerDigest, boolean dataDigest) {
        send(Pdus.icReq(0, (headerDigest ? 1 : 0) | (dataDigest ? 2 : 0)));
        ReceivedPdu resp = next();
        assertThat(resp.type()).isEqualTo(PduType.IC_RESP);
        hdgst = headerDigest;
        ddgst = dataDigest;
        return resp;
    }

    public int cid() {
        return nextCid++ & 0xFFFF;
    }

    /** Sends a command (with in-capsule data if given) and returns the first PDU of the answer. */
    public ReceivedPdu command(ByteBuf sqe, ByteBuf inCapsuleData) {
        if (inCapsuleData != null) {
            Pdus.inCapsule(sqe, inCapsuleData.readableBytes());
        }
        send(Pdus.capsule(sqe, inCapsuleData, hdgst, ddgst));
        return next();
    }

    public ReceivedPdu h2cData(int cid, int ttag, int offset, ByteBuf data, boolean last) {
        send(Pdus.h2cData(cid, ttag, offset, data, last, hdgst, ddgst));
        return poll();
    }

    /** Fabrics Connect; returns the response. */
    public ReceivedPdu connect(int qid, int sqsize, int cntlid, String subNqn, String hostNqn, int katoMillis,
                               int cattr) {
        ByteBuf sqe = Pdus.sqe(Opcodes.FABRICS, cid(), 0);
        sqe.setByte(4, Opcodes.FCTYPE_CONNECT);
        sqe.setShortLE(42, qid);
        sqe.setShortLE(44, sqsize);
        sqe.setByte(46, cattr);
        sqe.setIntLE(48, katoMillis);
        ByteBuf data = Unpooled.buffer(1024);
        data.writeZero(1024);
        data.setShortLE(16, cntlid);
        data.setBytes(256, subNqn.getBytes(StandardCharsets.UTF_8));
        data.setBytes(512, hostNqn.getBytes(StandardCharsets.UTF_8));
        return command(sqe, data);
    }

    /** ICReq, admin Connect, CC.EN = 1; returns the controller ID. */
    public int connectAndEnable(String subNqn, String hostNqn) {
        initialize(false, false);
        ReceivedPdu resp = connect(0, 31, 0xFFFF, subNqn, hostNqn, 0, 0);
        assertThat(resp.cqeStatus()).as(Status.describe(resp.cqeStatus())).isZero();
        propertySet(0x14, 0x460001);
        return (int) resp.cqeResult() & 0xFFFF;
    }

    /** ICReq, then Connect of I/O queue 1 with {@code sqsize} to controller {@code cntlid}, which must succeed. */
    public void connectIoQueue(int sqsize, int cntlid, String subNqn, String hostNqn, boolean headerDigest) {
        initialize(headerDigest, false);
        ReceivedPdu resp = connect(1, sqsize, cntlid, subNqn, hostNqn, 0, 0);
        assertThat(resp.cqeStatus()).as(Status.describe(resp.cqeStatus())).isZero();
    }

    public ReceivedPdu propertySet(int offset, int value) {
        ByteBuf sqe = Pdus.sqe(Opcodes.FABRICS, cid(), 0);
        sqe.setByte(4, Opcodes.FCTYPE_PROPERTY_SET);
        sqe.setIntLE(44, offset);
        sqe.setLongLE(48, value & 0xFFFFFFFFL);
        Pdus.transport(sqe, 0);
        send(Pdus.capsule(sqe, null, hdgst, ddgst));
        return next();
    }

    public ReceivedPdu propertyGet(int offset, boolean eightBytes) {
        ByteBuf sqe = Pdus.sqe(Opcodes.FABRICS, cid(), 0);
        sqe.setByte(4, Opcodes.FCTYPE_PROPERTY_GET);
        sqe.setByte(40, eightBytes ? 1 : 0);
        sqe.setIntLE(44, offset);
        Pdus.transport(sqe, 0);
        send(Pdus.capsule(sqe, null, hdgst, ddgst));
        return next();
    }

    /** A command whose data comes back by C2HData: returns [C2HData, CapsuleResp] or [CapsuleResp]. */
    public List<ReceivedPdu> readCommand(ByteBuf sqe, int length) {
        Pdus.transport(sqe, length);
        send(Pdus.capsule(sqe, null, hdgst, ddgst));
        return drain();
    }

    /**
     * Sends a command whose data (if {@code length} > 0) comes back by C2HData and returns the data
     * (empty if none was sent) with the completion, which is null when a C2HData with SUCCESS ended
     * the command.
     */
    public Reply transfer(ByteBuf sqe, int length) {
        int cid = sqe.getUnsignedShortLE(2);
        List<ReceivedPdu> pdus = readCommand(sqe, length);
        ByteBuf data = Unpooled.buffer();
        ReceivedPdu resp = null;
        boolean answered = false;
        for (ReceivedPdu p : pdus) {
            if (p.type() == PduType.C2H_DATA && p.cccid() == cid && !answered) {
                data.writeBytes(p.data());
                answered = (p.flags() & PduFlags.SUCCESS) != 0;
            } else if (p.type() == PduType.CAPSULE_RESP && p.cqeCid() == cid && !answered) {
                resp = p;
                answered = true;
            } else {
                stashed.add(p);
            }
        }
        assertThat(answered).as("an answer to command %d", cid).isTrue();
        return new Reply(data, resp);
    }

    /** What a command returned: its data, and its completion (null if C2HData carried SUCCESS). */
    public record Reply(ByteBuf data, ReceivedPdu resp) {
        public int status() {
            return resp.cqeStatus();
        }

        public long result() {
            return resp.cqeResult();
        }
    }

    public boolean isOpen() {
        channel.runPendingTasks();
        return channel.isOpen();
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        stream.release();
    }
}
