package io.basalt.nvmet.transport;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.basalt.nvme.tcp.CommonHeader;
import io.basalt.nvme.tcp.IcResp;
import io.basalt.nvme.tcp.PduFlags;
import io.basalt.nvme.tcp.PduType;
import io.basalt.nvme.tcp.TermReq;
import io.basalt.nvmet.TargetConfig;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.Pdus;
import io.basalt.nvmet.testing.ReceivedPdu;
import io.basalt.nvmet.testing.TestHost;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionHandlerTest {
    private ControllerRegistry registry;
    private TestHost host;
    /** Keeps the controller alive while a test drives one of its I/O queues. */
    private TestHost admin;

    @BeforeEach
    void setUp() {
        registry = Fixtures.registry();
        host = new TestHost(registry);
    }

    @AfterEach
    void tearDown() {
        host.close();
        if (admin != null) {
            admin.close();
        }
    }

    private void assertTermReq(int fes, int fei) {
        ReceivedPdu p = host.next();
        assertThat(p.type()).isEqualTo(PduType.C2H_TERM_REQ);
        assertThat(p.hlen()).isEqualTo(TermReq.HEADER_LENGTH);
        assertThat(p.fes()).isEqualTo(fes);
        assertThat(p.fei()).isEqualTo(fei);
        assertThat(p.plen()).isBetween(TermReq.HEADER_LENGTH, TermReq.HEADER_LENGTH + TermReq.MAX_ERROR_DATA);
        assertThat(host.isOpen()).as("connection closed after a fatal error").isFalse();
    }

    // ---- initialization --------------------------------------------------------------------

    @Test
    void shouldAnswerIcReqFedByteByByte() {
        host.sendByteByByte(Pdus.icReq(0, 0));
        ReceivedPdu resp = host.next();
        assertThat(resp.type()).isEqualTo(PduType.IC_RESP);
        assertThat(resp.plen()).isEqualTo(128);
        assertThat(resp.hlen()).isEqualTo(128);
        assertThat(IcResp.pfv(resp.bytes(), 0)).isZero();
        assertThat(IcResp.cpda(resp.bytes(), 0)).isZero();
        assertThat(IcResp.maxh2cdata(resp.bytes(), 0)).isEqualTo(TargetConfig.MAX_H2C_DATA_DEFAULT);
    }

    @Test
    void shouldEchoTheDigestsTheHostAsks() {
        host.send(Pdus.icReq(0, 3));
        assertThat(IcResp.dgst(host.next().bytes(), 0)).isEqualTo(3);
    }

    @Test
    void shouldSendTermReqWhenFirstPduIsNotIcReq() {
        host.send(Pdus.capsule(Pdus.sqe(Opcodes.FABRICS, 1, 0), null, false, false));
        assertTermReq(TermReq.FES_PDU_SEQUENCE_ERROR, CommonHeader.TYPE_OFFSET);
    }

    @Test
    void shouldSendTermReqWhenIcReqIsRepeated() {
        host.initialize(false, false);
        host.send(Pdus.icReq(0, 0));
        assertTermReq(TermReq.FES_PDU_SEQUENCE_ERROR, CommonHeader.TYPE_OFFSET);
    }

    @Test
    void shouldSendTermReqWhenTypeIsControllerToHost() {
        ByteBuf b = Pdus.icReq(0, 0);
        b.setByte(0, PduType.IC_RESP);
        host.send(b);
        assertTermReq(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.TYPE_OFFSET);
    }

    @Test
    void shouldSendTermReqWhenTypeIsUnknown() {
        ByteBuf b = Pdus.icReq(0, 0);
        b.setByte(0, 0x42);
        host.send(b);
        assertTermReq(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.TYPE_OFFSET);
    }

    @Test
    void shouldSendTermReqWhenHlenIsWrong() {
        ByteBuf b = Pdus.icReq(0, 0);
        b.setByte(2, 64);
        host.send(b);
        assertTermReq(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.HLEN_OFFSET);
    }

    @Test
    void shouldSendTermReqWhenIcReqPlenIsWrong() {
        ByteBuf b = Pdus.icReq(0, 0);
        b.setIntLE(4, 200);
        host.send(b);
        assertTermReq(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.PLEN_OFFSET);
    }

    @Test
    void shouldSendTermReqWhenPfvIsUnsupported() {
        ByteBuf b = Pdus.icReq(0, 0);
        b.setShortLE(8, 1);
        host.send(b);
        assertTermReq(TermReq.FES_UNSUPPORTED_PARAMETER, 8);
    }

    @Test
    void shouldSendTermReqWhenHpdaIsTooLarge() {
        host.send(Pdus.icReq(32, 0));
        assertTermReq(TermReq.FES_UNSUPPORTED_PARAMETER, 10);
    }

    @Test
    void shouldRefuseAHugePlenBeforeBufferingIt() {
        host.initialize(false, false);
        ByteBuf b = Unpooled.buffer();
        CommonHeader.write(b, PduType.CAPSULE_CMD, 0, 72, 72, 0x7FFFFFFF);
        host.send(b);
        assertTermReq(TermReq.FES_DATA_LIMIT_EXCEEDED, CommonHeader.PLEN_OFFSET);
    }

    @Test
    void shouldSendTermReqWhenCapsulePlenIsShorterThanItsHeader() {
        host.initialize(false, false);
        ByteBuf b = Pdus.capsule(Pdus.sqe(Opcodes.FABRICS, 1, 0), null, false, false);
        b.setIntLE(4, 40);
        host.send(b);
        assertTermReq(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.PLEN_OFFSET);
    }

    @Test
    void shouldSendTermReqWhenHeaderDigestIsWrong() {
        host.initialize(true, false);
        ByteBuf b = Pdus.capsule(Pdus.sqe(Opcodes.FABRICS, 1, 0), null, true, false);
        b.setIntLE(72, b.getIntLE(72) ^ 1);
        host.send(b);
        assertTermReq(TermReq.FES_HEADER_DIGEST_ERROR, 0);
    }

    @Test
    void shouldSendTermReqWhenHeaderDigestFlagIsMissing() {
        host.initialize(true, false);
        host.send(Pdus.capsule(Pdus.sqe(Opcodes.FABRICS, 1, 0), null, false, false));
        assertTermReq(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.FLAGS_OFFSET);
    }

    @Test
    void shouldSendTermReqWhenDataDigestFlagDisagreesWithNegotiation() {
        host.initialize(false, false);
        ByteBuf data = Unpooled.buffer().writeZero(16);
        ByteBuf sqe = Pdus.inCapsule(Pdus.sqe(Opcodes.IO_WRITE, 1, 1), 16);
        host.send(Pdus.capsule(sqe, data, false, true));
        assertTermReq(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.FLAGS_OFFSET);
    }

    @Test
    void shouldSendTermReqWhenPdoIsWrong() {
        host.initialize(false, false);
        ByteBuf data = Unpooled.buffer().writeZero(512);
        ByteBuf b = Pdus.capsule(Pdus.inCapsule(Pdus.sqe(Opcodes.IO_WRITE, 1, 1), 512), data, false, false);
        b.setByte(3, 80);
        host.send(b);
        assertTermReq(TermReq.FES_INVALID_HEADER_FIELD, CommonHeader.PDO_OFFSET);
    }

    @Test
    void shouldSendTermReqWhenInCapsuleDataExceedsTheLimit() {
        host.initialize(false, false);
        int tooMuch = TargetConfig.IN_CAPSULE_DATA_SIZE_DEFAULT + 4096;
        ByteBuf data = Unpooled.buffer().writeZero(tooMuch);
        host.send(Pdus.capsule(Pdus.inCapsule(Pdus.sqe(Opcodes.IO_WRITE, 1, 1), tooMuch), data, false, false));
        assertTermReq(TermReq.FES_DATA_LIMIT_EXCEEDED, CommonHeader.PLEN_OFFSET);
    }

    @Test
    void shouldCloseWhenHostSendsTermReq() {
        host.initialize(false, false);
        ByteBuf b = Unpooled.buffer();
        TermReq.write(b, PduType.H2C_TERM_REQ, 1, 0, null, 0, 0);
        host.send(b);
        assertThat(host.isOpen()).isFalse();
    }

    // ---- H2CData ---------------------------------------------------------------------------

    /** Connects an I/O queue and sends a 4 KiB write by R2T; returns the R2T. */
    private ReceivedPdu writeAwaitingData(int cid, boolean hdgst, boolean ddgst) {
        int cntlid = host.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        TestHost io = new TestHost(registry);
        io.initialize(hdgst, ddgst);
        ReceivedPdu c = io.connect(1, 127, cntlid, Fixtures.SUBNQN, Fixtures.HOST, 0, 0);
        assertThat(c.cqeStatus()).isZero();
        admin = host;
        host = io;
        ByteBuf sqe = Pdus.sqe(Opcodes.IO_WRITE, cid, 1);
        sqe.setIntLE(40, 8).setIntLE(48, 7);
        Pdus.transport(sqe, 4096);
        io.send(Pdus.capsule(sqe, null, hdgst, ddgst));
        ReceivedPdu r2t = io.next();
        assertThat(r2t.type()).isEqualTo(PduType.R2T);
        assertThat(r2t.cccid()).isEqualTo(cid);
        assertThat(r2t.dataOffset()).isZero();
        assertThat(r2t.dataLength()).isEqualTo(4096);
        return r2t;
    }

    @Test
    void shouldSolicitWriteDataByR2tAndAcceptItInSeveralH2cDataPdus() {
        ReceivedPdu r2t = writeAwaitingData(7, false, false);
        ByteBuf data = Unpooled.buffer(4096);
        for (int i = 0; i < 4096; i++) {
            data.writeByte(i * 31);
        }
        assertThat(host.h2cData(7, r2t.ttag(), 0, data.slice(0, 1024), false)).isNull();
        ReceivedPdu resp = host.h2cData(7, r2t.ttag(), 1024, data.slice(1024, 3072), true);
        assertThat(resp.type()).isEqualTo(PduType.CAPSULE_RESP);
        assertThat(resp.cqeStatus()).isZero();
        assertThat(resp.cqeCid()).isEqualTo(7);

        ByteBuf read = Pdus.sqe(Opcodes.IO_READ, 8, 1);
        read.setIntLE(40, 8).setIntLE(48, 7);
        List<ReceivedPdu> pdus = host.readCommand(read, 4096);
        assertThat(pdus).hasSize(2);
        assertThat(pdus.get(0).type()).isEqualTo(PduType.C2H_DATA);
        assertThat(pdus.get(0).flags() & PduFlags.LAST_PDU).isNotZero();
        assertThat(pdus.get(0).data()).isEqualTo(data);
        assertThat(pdus.get(1).cqeStatus()).isZero();
    }

    @Test
    void shouldSendTermReqWhenH2cDataNamesAnUnknownTtag() {
        ReceivedPdu r2t = writeAwaitingData(7, false, false);
        host.send(Pdus.h2cData(7, r2t.ttag() + 100, 0, Unpooled.buffer().writeZero(4096), true, false, false));
        assertTermReq(TermReq.FES_INVALID_HEADER_FIELD, 10);
    }

    @Test
    void shouldSendTermReqWhenH2cDataOffsetSkipsAhead() {
        ReceivedPdu r2t = writeAwaitingData(7, false, false);
        host.send(Pdus.h2cData(7, r2t.ttag(), 512, Unpooled.buffer().writeZero(512), false, false, false));
        assertTermReq(TermReq.FES_DATA_OUT_OF_RANGE, 12);
    }

    @Test
    void shouldSendTermReqWhenH2cDataGoesBeyondTheTransfer() {
        ReceivedPdu r2t = writeAwaitingData(7, false, false);
        host.send(Pdus.h2cData(7, r2t.ttag(), 0, Unpooled.buffer().writeZero(8192), true, false, false));
        assertTermReq(TermReq.FES_DATA_OUT_OF_RANGE, 16);
    }

    @Test
    void shouldSendTermReqWhenH2cDataLengthDisagreesWithPlen() {
        ReceivedPdu r2t = writeAwaitingData(7, false, false);
        ByteBuf pdu = Pdus.h2cData(7, r2t.ttag(), 0, Unpooled.buffer().writeZero(1024), false, false, false);
        pdu.setIntLE(16, 2048);
        host.send(pdu);
        assertTermReq(TermReq.FES_INVALID_HEADER_FIELD, 16);
    }

    @Test
    void shouldSendTermReqWhenH2cDataExceedsMaxH2cData() {
        ReceivedPdu r2t = writeAwaitingData(7, false, false);
        ByteBuf pdu = Unpooled.buffer();
        CommonHeader.write(pdu, PduType.H2C_DATA, PduFlags.LAST_PDU, 24, 24,
                24 + TargetConfig.MAX_H2C_DATA_DEFAULT + 8);
        host.send(pdu);
        assertTermReq(TermReq.FES_DATA_LIMIT_EXCEEDED, CommonHeader.PLEN_OFFSET);
    }

    @Test
    void shouldFailTheCommandButKeepTheConnectionOnDataDigestError() {
        ReceivedPdu r2t = writeAwaitingData(7, true, true);
        ByteBuf pdu = Pdus.h2cData(7, r2t.ttag(), 0, Unpooled.buffer().writeZero(4096), true, true, true);
        pdu.setIntLE(pdu.writerIndex() - 4, pdu.getIntLE(pdu.writerIndex() - 4) ^ 0xFF);
        host.send(pdu);
        ReceivedPdu resp = host.next();
        assertThat(resp.cqeStatus()).isEqualTo(Status.TRANSIENT_TRANSPORT_ERROR);
        assertThat(host.isOpen()).isTrue();
    }

    @Test
    void shouldSendTermReqWhenTheHostExceedsItsQueueSize() {
        int cntlid = host.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        TestHost io = new TestHost(registry);
        io.initialize(false, false);
        assertThat(io.connect(1, 1, cntlid, Fixtures.SUBNQN, Fixtures.HOST, 0, 0).cqeStatus()).isZero();
        // Queue of 2 entries; three writes waiting for data occupy more than it has.
        for (int cid = 1; cid <= 3; cid++) {
            ByteBuf sqe = Pdus.sqe(Opcodes.IO_WRITE, cid, 1);
            Pdus.transport(sqe, 512);
            io.send(Pdus.capsule(sqe, null, false, false));
        }
        List<ReceivedPdu> pdus = io.drain();
        assertThat(pdus).extracting(ReceivedPdu::type)
                .containsExactly(PduType.R2T, PduType.R2T, PduType.C2H_TERM_REQ);
        assertThat(io.isOpen()).isFalse();
        io.close();
    }

    // ---- framing ---------------------------------------------------------------------------

    @RepeatedTest(20)
    void shouldFrameCommandsSplitAtRandomPoints() {
        Random random = new Random();
        host.initialize(true, true);
        ByteBuf connectData = Unpooled.buffer(1024).writeZero(1024);
        connectData.setShortLE(16, 0xFFFF);
        connectData.setBytes(256, Fixtures.SUBNQN.getBytes());
        connectData.setBytes(512, Fixtures.HOST.getBytes());
        ByteBuf sqe = Pdus.inCapsule(Pdus.sqe(Opcodes.FABRICS, 1, 0), 1024);
        sqe.setByte(4, Opcodes.FCTYPE_CONNECT).setShortLE(44, 31);
        ByteBuf pdu = Pdus.capsule(sqe, connectData, true, true);
        int[] cuts = random.ints(6, 1, 200).toArray();
        host.sendInChunks(pdu, cuts);
        ReceivedPdu resp = host.next();
        assertThat(resp.type()).isEqualTo(PduType.CAPSULE_RESP);
        assertThat(resp.cqeStatus()).isZero();
        assertThat(resp.plen()).isEqualTo(24 + 4);
        assertThat(Pdus.crc(resp.bytes(), 0, 24)).isEqualTo(resp.bytes().getIntLE(24));
    }
}
