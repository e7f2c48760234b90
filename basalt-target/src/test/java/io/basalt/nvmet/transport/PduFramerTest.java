package io.basalt.nvmet.transport;

import io.basalt.nvme.tcp.CommonHeader;
import io.basalt.nvme.tcp.PduType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PduFramerTest {
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private static ResourceLeakDetector.Level leakLevel;

    @BeforeAll
    static void paranoid() {
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterAll
    static void restore() {
        ResourceLeakDetector.setLevel(leakLevel);
    }

    /** Records each PDU's bytes and the buffer it came in; refuses a header whose type is 0x7F. */
    private static class Recorder implements PduFramer.Sink {
        final List<byte[]> pdus = new ArrayList<>();
        final List<ByteBuf> carriers = new ArrayList<>();
        boolean ended;

        @Override
        public boolean receiving() {
            return !ended;
        }

        @Override
        public long checkHeader(ByteBuf in, int base) {
            if (CommonHeader.type(in, base) == 0x7F) {
                ended = true;
                return -1;
            }
            return CommonHeader.plen(in, base);
        }

        @Override
        public void pdu(ByteBuf in, int base, int plen) {
            pdus.add(ByteBufUtil.getBytes(in, base, plen));
            carriers.add(in);
        }
    }

    /** A PDU of {@code plen} bytes: a capsule-like header, then a pattern that depends on {@code seed}. */
    private static byte[] pdu(int plen, int seed) {
        ByteBuf b = Unpooled.buffer(plen);
        CommonHeader.write(b, PduType.CAPSULE_CMD, 0, 72, 72, plen);
        while (b.writerIndex() < plen) {
            b.writeByte(seed * 7 + b.writerIndex() * 13);
        }
        return b.array();
    }

    private static byte[] stream(byte[]... pdus) {
        ByteBuf b = Unpooled.buffer();
        for (byte[] p : pdus) {
            b.writeBytes(p);
        }
        return ByteBufUtil.getBytes(b);
    }

    private static ByteBuf pooled(byte[] bytes, int from, int to) {
        return ALLOC.directBuffer(to - from).writeBytes(bytes, from, to - from);
    }

    /** Feeds the stream as two reads cut at {@code cut}; returns them (released by the framer). */
    private static ByteBuf[] receiveCut(PduFramer framer, byte[] stream, int cut) {
        ByteBuf[] reads = {pooled(stream, 0, cut), pooled(stream, cut, stream.length)};
        framer.receive(reads[0]);
        framer.receive(reads[1]);
        return reads;
    }

    @Test
    void shouldHandOnIdenticalPdusWhereverTheStreamIsCut() {
        byte[][] pdus = {pdu(72 + 4096, 1), pdu(8, 2), pdu(24 + 512, 3), pdu(72, 4)};
        byte[] stream = stream(pdus);
        for (int cut = 1; cut < stream.length; cut++) {
            Recorder sink = new Recorder();
            PduFramer framer = new PduFramer(sink, ALLOC);
            ByteBuf[] reads = receiveCut(framer, stream, cut);
            ByteBuf first = reads[0];
            ByteBuf second = reads[1];
            assertThat(sink.pdus).as("cut at %d", cut).hasSize(pdus.length);
            int start = 0;
            for (int i = 0; i < pdus.length; i++) {
                assertThat(sink.pdus.get(i)).as("PDU %d, cut at %d", i, cut).isEqualTo(pdus[i]);
                int end = start + pdus[i].length;
                // A PDU the cut leaves whole is handed on in the buffer it was read into: no copy.
                if (end <= cut) {
                    assertThat(sink.carriers.get(i)).as("PDU %d before cut %d", i, cut).isSameAs(first);
                } else if (start >= cut) {
                    assertThat(sink.carriers.get(i)).as("PDU %d after cut %d", i, cut).isSameAs(second);
                } else {
                    assertThat(sink.carriers.get(i)).isNotSameAs(first).isNotSameAs(second);
                }
                start = end;
            }
            assertThat(first.refCnt()).as("first read released, cut at %d", cut).isZero();
            assertThat(second.refCnt()).as("second read released, cut at %d", cut).isZero();
            framer.release();
            for (ByteBuf carrier : sink.carriers) {
                assertThat(carrier.refCnt()).as("copy of a spanning PDU released").isZero();
            }
        }
    }

    @Test
    void shouldHandOnIdenticalPdusFedByteByByte() {
        byte[][] pdus = {pdu(72 + 100, 5), pdu(24 + 64, 6), pdu(8, 7)};
        byte[] stream = stream(pdus);
        Recorder sink = new Recorder();
        PduFramer framer = new PduFramer(sink, ALLOC);
        List<ByteBuf> reads = new ArrayList<>();
        for (int i = 0; i < stream.length; i++) {
            ByteBuf one = pooled(stream, i, i + 1);
            reads.add(one);
            framer.receive(one);
        }
        assertThat(sink.pdus).hasSize(pdus.length);
        for (int i = 0; i < pdus.length; i++) {
            assertThat(sink.pdus.get(i)).isEqualTo(pdus[i]);
        }
        assertThat(reads).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        // The framer keeps its gathering buffer for the next PDU until the connection ends.
        framer.release();
    }

    @Test
    void shouldKeepASliceValidAfterTheReadIsReleased() {
        byte[] p = pdu(72 + 4096, 9);
        ByteBuf read = pooled(p, 0, p.length);
        List<ByteBuf> kept = new ArrayList<>();
        PduFramer framer = new PduFramer(new Recorder() {
            @Override
            public void pdu(ByteBuf in, int base, int plen) {
                kept.add(in.retainedSlice(base + 72, plen - 72));
            }
        }, ALLOC);
        framer.receive(read);
        assertThat(read.refCnt()).as("held by the slice").isOne();
        assertThat(ByteBufUtil.getBytes(kept.get(0))).isEqualTo(java.util.Arrays.copyOfRange(p, 72, p.length));
        kept.get(0).release();
        assertThat(read.refCnt()).isZero();
    }

    @Test
    void shouldStopAtARefusedHeaderAndDropWhatFollows() {
        byte[] bad = pdu(72, 1);
        bad[0] = 0x7F;
        byte[] stream = stream(pdu(72, 0), bad, pdu(72, 2));
        for (int cut = 1; cut < stream.length; cut++) {
            Recorder sink = new Recorder();
            PduFramer framer = new PduFramer(sink, ALLOC);
            ByteBuf[] reads = receiveCut(framer, stream, cut);
            ByteBuf first = reads[0];
            ByteBuf second = reads[1];
            assertThat(sink.pdus).as("cut at %d", cut).hasSize(1);
            assertThat(sink.ended).isTrue();
            framer.release();
            assertThat(first.refCnt()).isZero();
            assertThat(second.refCnt()).isZero();
        }
    }

    @Test
    void shouldDropAPartlyReceivedPduWhenTheConnectionEndsBeforeItsRest() {
        byte[] p = pdu(72 + 512, 4);
        UnpooledByteBufAllocator counting = new UnpooledByteBufAllocator(true);
        Recorder sink = new Recorder();
        PduFramer framer = new PduFramer(sink, counting);
        framer.receive(pooled(p, 0, 100));
        sink.ended = true;
        ByteBuf rest = pooled(p, 100, p.length);
        framer.receive(rest);
        assertThat(sink.pdus).as("nothing handed on after the end").isEmpty();
        assertThat(rest.refCnt()).isZero();
        assertThat(counting.metric().usedDirectMemory()).isZero();
    }

    @Test
    void shouldReleaseAPartlyReceivedPduOnClose() {
        byte[] p = pdu(72 + 512, 3);
        UnpooledByteBufAllocator counting = new UnpooledByteBufAllocator(true);
        PduFramer framer = new PduFramer(new Recorder(), counting);
        framer.receive(pooled(p, 0, 100));
        assertThat(counting.metric().usedDirectMemory()).as("the PDU's start, kept").isEqualTo(p.length);
        framer.release();
        assertThat(counting.metric().usedDirectMemory()).isZero();
    }
}
