package io.basalt.nvmet.transport;

import io.basalt.block.BlockIo;
import io.basalt.nvme.Opcodes;
import io.basalt.nvme.tcp.CapsulePdu;
import io.basalt.nvme.tcp.CommonHeader;
import io.basalt.nvme.tcp.PduType;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.Pdus;
import io.basalt.nvmet.testing.ReceivedPdu;
import io.basalt.nvmet.testing.TestHost;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What leaves the connection, as the channel sees it: the small PDUs (responses, R2Ts) framed
 * between two flushes go out together in one buffer, in the order they were framed, and nothing
 * else overtakes them. Each test feeds several commands in one socket read, as a host at a high
 * queue depth does, to a namespace whose store completes inline.
 */
class PduWriterTest {
    private static final int BLOCK = Fixtures.BLOCK;
    private TestHost admin;
    private TestHost io;

    private void connect(boolean headerDigest) {
        var registry = Fixtures.registry();
        admin = new TestHost(registry);
        int cntlid = admin.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        io = new TestHost(registry);
        io.connectIoQueue(127, cntlid, Fixtures.SUBNQN, Fixtures.HOST, headerDigest);
    }

    @AfterEach
    void close() {
        io.close();
        admin.close();
    }

    private static ByteBuf write(int cid, boolean headerDigest) {
        ByteBuf sqe = Pdus.sqe(Opcodes.IO_WRITE, cid, 1);
        sqe.setLongLE(40, cid % Fixtures.BLOCKS).setIntLE(48, 0);
        return Pdus.capsule(Pdus.inCapsule(sqe, BLOCK), Unpooled.buffer(BLOCK).writeZero(BLOCK), headerDigest, false);
    }

    private static ByteBuf solicitedWrite(int cid) {
        ByteBuf sqe = Pdus.sqe(Opcodes.IO_WRITE, cid, 1);
        sqe.setLongLE(40, 0).setIntLE(48, 0);
        return Pdus.capsule(Pdus.transport(sqe, BLOCK), null, false, false);
    }

    private static ByteBuf read(int cid) {
        ByteBuf sqe = Pdus.sqe(Opcodes.IO_READ, cid, 1);
        sqe.setLongLE(40, 0).setIntLE(48, 0);
        return Pdus.capsule(Pdus.transport(sqe, BLOCK), null, false, false);
    }

    /** The PDUs as one socket read delivers them: one buffer. */
    private static ByteBuf oneRead(List<ByteBuf> pdus) {
        ByteBuf read = Unpooled.buffer();
        for (ByteBuf pdu : pdus) {
            read.writeBytes(pdu);
            pdu.release();
        }
        return read;
    }

    /** Sends one read and returns the buffers the channel was asked to write for it, without reading them. */
    private List<ByteBuf> outboundFor(ByteBuf read) {
        EmbeddedChannel channel = io.channel();
        channel.writeInbound(read);
        channel.runPendingTasks();
        List<ByteBuf> out = new ArrayList<>();
        Object o;
        while ((o = channel.readOutbound()) != null) {
            out.add((ByteBuf) o);
        }
        return out;
    }

    /** Splits written buffers into PDUs by their PLEN (the buffers are released). */
    private static List<ReceivedPdu> pdus(List<ByteBuf> written) {
        ByteBuf stream = Unpooled.buffer();
        written.forEach(b -> {
            stream.writeBytes(b);
            b.release();
        });
        List<ReceivedPdu> pdus = new ArrayList<>();
        while (stream.isReadable()) {
            int plen = (int) CommonHeader.plen(stream, stream.readerIndex());
            ByteBuf copy = Unpooled.buffer(plen);
            stream.readBytes(copy, plen);
            pdus.add(ReceivedPdu.of(copy));
        }
        stream.release();
        return pdus;
    }

    @Test
    void shouldSendTheResponsesOfOneReadInOneBufferInOrder() {
        connect(false);
        List<ByteBuf> capsules = new ArrayList<>();
        for (int cid = 1; cid <= 20; cid++) {
            capsules.add(write(cid, false));
        }
        List<ByteBuf> written = outboundFor(oneRead(capsules));
        assertThat(written).as("one buffer for the 20 responses").hasSize(1);
        List<ReceivedPdu> pdus = pdus(written);
        assertThat(pdus).hasSize(20);
        int firstSqhd = pdus.get(0).cqeSqhd();
        for (int i = 0; i < 20; i++) {
            assertThat(pdus.get(i).type()).isEqualTo(PduType.CAPSULE_RESP);
            assertThat(pdus.get(i).cqeCid()).isEqualTo(i + 1);
            assertThat(pdus.get(i).cqeStatus()).isZero();
            assertThat(pdus.get(i).cqeSqhd()).as("SQ head advances by one per command").isEqualTo(firstSqhd + i);
        }
    }

    @Test
    void shouldStartANewBufferWhenResponsesWithHeaderDigestsFillOne() {
        connect(true);
        int count = 200;
        List<ByteBuf> capsules = new ArrayList<>();
        for (int cid = 1; cid <= count; cid++) {
            capsules.add(write(cid, true));
        }
        List<ByteBuf> written = outboundFor(oneRead(capsules));
        int perBuffer = PduWriter.BATCH_CAPACITY / (CapsulePdu.RESP_LENGTH + CommonHeader.DIGEST_LENGTH);
        assertThat(written).as("%d responses, %d to a buffer", count, perBuffer)
                .hasSize((count + perBuffer - 1) / perBuffer);
        List<ReceivedPdu> pdus = pdus(written);
        assertThat(pdus).hasSize(count);
        for (int i = 0; i < count; i++) {
            ReceivedPdu p = pdus.get(i);
            assertThat(p.cqeCid()).isEqualTo(i + 1);
            assertThat(p.bytes().getIntLE(p.hlen())).as("header digest of response %d", i + 1)
                    .isEqualTo(Pdus.crc(p.bytes(), 0, p.hlen()));
        }
    }

    @Test
    void shouldSendR2tsAndResponsesOfOneReadTogetherInOrder() {
        connect(false);
        List<ByteBuf> written = outboundFor(oneRead(List.of(write(1, false), solicitedWrite(2), write(3, false))));
        assertThat(written).hasSize(1);
        List<ReceivedPdu> pdus = pdus(written);
        assertThat(pdus).extracting(ReceivedPdu::type)
                .containsExactly(PduType.CAPSULE_RESP, PduType.R2T, PduType.CAPSULE_RESP);
        assertThat(pdus.get(0).cqeCid()).isEqualTo(1);
        assertThat(pdus.get(1).cccid()).isEqualTo(2);
        assertThat(pdus.get(2).cqeCid()).isEqualTo(3);
    }

    /**
     * Read data framed in place starts at {@link BlockIo#BUFFER_ALIGNMENT} in memory from
     * {@link BlockIo#IN_PLACE_MIN_LENGTH} on, with or without a header digest before it, so an engine
     * can have its device read straight into the buffer.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldPlaceReadDataAtTheBufferAlignmentInMemory(boolean headerDigest) {
        connect(headerDigest);
        for (int cid = 1; cid <= 8; cid++) {
            int bytes = BlockIo.IN_PLACE_MIN_LENGTH + (cid - 1) * BlockIo.BUFFER_ALIGNMENT;
            ByteBuf sqe = Pdus.sqe(Opcodes.IO_READ, cid, 1);
            sqe.setLongLE(40, 0).setIntLE(48, bytes / BLOCK - 1);
            List<ByteBuf> written = outboundFor(Pdus.capsule(Pdus.transport(sqe, bytes), null, headerDigest, false));
            ByteBuf data = written.stream().filter(b -> b.getByte(b.readerIndex()) == PduType.C2H_DATA).findFirst()
                    .orElseThrow();
            int at = data.readerIndex() + CommonHeader.pdo(data, data.readerIndex());
            assertThat(data.hasMemoryAddress()).isTrue();
            assertThat((data.memoryAddress() + at) % BlockIo.BUFFER_ALIGNMENT).as("%d bytes", bytes).isZero();
            List<ReceivedPdu> pdus = pdus(written);
            assertThat(pdus).extracting(ReceivedPdu::type).containsExactly(PduType.C2H_DATA, PduType.CAPSULE_RESP);
            assertThat(pdus.get(0).bytes().readableBytes() - pdus.get(0).pdo()).as("data bytes").isEqualTo(bytes);
        }
    }

    @Test
    void shouldNotLetReadDataOvertakeResponsesFramedBeforeIt() {
        connect(false);
        List<ByteBuf> written = outboundFor(oneRead(List.of(write(1, false), read(2), write(3, false))));
        List<ReceivedPdu> pdus = pdus(written);
        assertThat(pdus).extracting(ReceivedPdu::type).containsExactly(PduType.CAPSULE_RESP, PduType.C2H_DATA,
                PduType.CAPSULE_RESP, PduType.CAPSULE_RESP);
        assertThat(pdus.get(0).cqeCid()).isEqualTo(1);
        assertThat(pdus.get(1).cccid()).isEqualTo(2);
        assertThat(pdus.get(2).cqeCid()).isEqualTo(2);
        assertThat(pdus.get(3).cqeCid()).isEqualTo(3);
    }

    @Test
    void shouldReleaseResponsesNotYetSentWhenTheConnectionCloses() {
        connect(false);
        List<ByteBuf> allocated = new ArrayList<>();
        io.channel().config().setAllocator(new AbstractByteBufAllocator(true) {
            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                return Unpooled.buffer(initialCapacity, maxCapacity);
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                ByteBuf b = Unpooled.directBuffer(initialCapacity, maxCapacity);
                allocated.add(b);
                return b;
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }
        });
        io.channel().writeOneInbound(oneRead(List.of(write(1, false), write(2, false))));
        // The read never completes: the responses wait for its flush when the connection goes.
        io.channel().close();
        assertThat(allocated).as("the batch was allocated").isNotEmpty();
        assertThat(allocated).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }
}
