package io.basalt.nvmet.transport;

import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;
import io.basalt.block.IoStatus;
import io.basalt.netty.Handoffs;
import io.basalt.nvme.Opcodes;
import io.basalt.nvme.tcp.PduType;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.subsystem.Subsystem;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.Pdus;
import io.basalt.nvmet.testing.ReceivedPdu;
import io.basalt.nvmet.testing.TestHost;
import io.basalt.volume.HostAccess;
import io.basalt.volume.Volume;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Write data on its way from the socket to the store: what the store sees is what the host sent,
 * however the stream was cut, and the buffers it arrived in are released once the write completes
 * — held meanwhile when the store was handed a slice of them rather than a copy.
 */
class ConnectionHandlerWriteDataTest {
    private static final int BLOCK = 512;
    private final HoldingStore store = new HoldingStore();
    private ResourceLeakDetector.Level leakLevel;
    private TestHost admin;
    private TestHost io;

    /** Keeps each write until the test completes it (or completes it at once when {@link #inline}). */
    private static final class HoldingStore implements BlockStore {
        final List<BlockIo> held = new ArrayList<>();
        final List<byte[]> written = new ArrayList<>();
        boolean inline;

        @Override
        public long capacityBytes() {
            return 2048L * BLOCK;
        }

        @Override
        public int blockSize() {
            return BLOCK;
        }

        @Override
        public boolean volatileWriteCache() {
            return false;
        }

        @Override
        public void submit(BlockIo op) {
            if (inline) {
                op.complete(IoStatus.OK);
                return;
            }
            if (op.op() == BlockIo.OP_WRITE) {
                written.add(ByteBufUtil.getBytes(op.buffer(), op.buffer().readerIndex(), op.length()));
            }
            held.add(op);
        }

        void completeAll() {
            List<BlockIo> done = new ArrayList<>(held);
            held.clear();
            done.forEach(op -> op.complete(IoStatus.OK));
        }

        @Override
        public long allocatedBytes() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    @BeforeEach
    void connect() {
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        Subsystem s = new Subsystem(Fixtures.SUBNQN, "SN1", "Basalt", "0.1.0");
        s.addNamespace(new Namespace(new Volume(1, "held", UUID.nameUUIDFromBytes(new byte[] {1}), store,
                HostAccess.of(Set.of(Fixtures.HOST)))));
        ControllerRegistry registry = new ControllerRegistry(s, Fixtures.config());
        admin = new TestHost(registry);
        int cntlid = admin.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        io = new TestHost(registry);
        io.connectIoQueue(127, cntlid, Fixtures.SUBNQN, Fixtures.HOST, false);
    }

    @AfterEach
    void close() {
        io.close();
        admin.close();
        ResourceLeakDetector.setLevel(leakLevel);
    }

    private static ByteBuf pattern(int length, int seed) {
        ByteBuf data = Unpooled.buffer(length);
        for (int i = 0; i < length; i++) {
            data.writeByte(seed * 17 + i * 31);
        }
        return data;
    }

    private static ByteBuf writeSqe(int cid, int blocks) {
        ByteBuf sqe = Pdus.sqe(Opcodes.IO_WRITE, cid, 1);
        sqe.setIntLE(40, 8).setIntLE(48, blocks - 1);
        return sqe;
    }

    /** An in-capsule write of {@code data} as the bytes a host puts on the wire. */
    private static byte[] inCapsuleWrite(int cid, ByteBuf data) {
        ByteBuf sqe = Pdus.inCapsule(writeSqe(cid, data.readableBytes() / BLOCK), data.readableBytes());
        ByteBuf pdu = Pdus.capsule(sqe, data, false, false);
        byte[] bytes = ByteBufUtil.getBytes(pdu);
        pdu.release();
        return bytes;
    }

    private static ByteBuf pooled(byte[] bytes, int from, int to) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(to - from).writeBytes(bytes, from, to - from);
    }

    private void assertCompletesWithSuccess(int cid) {
        store.completeAll();
        ReceivedPdu resp = io.next();
        assertThat(resp.type()).isEqualTo(PduType.CAPSULE_RESP);
        assertThat(resp.cqeCid()).isEqualTo(cid);
        assertThat(resp.cqeStatus()).isZero();
    }

    @Test
    void shouldHandTheStoreASliceOfTheBufferInCapsuleDataArrivedIn() {
        ByteBuf data = pattern(4096, 1);
        ByteBuf read = pooled(inCapsuleWrite(5, data), 0, 72 + 4096);
        io.send(read);
        assertThat(store.written).hasSize(1);
        assertThat(store.written.get(0)).isEqualTo(ByteBufUtil.getBytes(data));
        assertThat(read.refCnt()).as("the store's slice holds the read buffer").isOne();
        assertCompletesWithSuccess(5);
        assertThat(read.refCnt()).as("released once the write completed").isZero();
    }

    @Test
    void shouldHandTheStoreTheSameBytesWhereverTheCapsuleIsCut() {
        int length = 2 * BLOCK;
        for (int cut = 1; cut < 72 + length; cut++) {
            int cid = cut & 0xFFFF;
            ByteBuf data = pattern(length, cut);
            byte[] wire = inCapsuleWrite(cid, data);
            ByteBuf first = pooled(wire, 0, cut);
            ByteBuf second = pooled(wire, cut, wire.length);
            io.channel().writeInbound(first);
            io.channel().writeInbound(second);
            assertThat(store.written).as("cut at %d", cut).hasSize(1);
            assertThat(store.written.remove(0)).as("cut at %d", cut).isEqualTo(ByteBufUtil.getBytes(data));
            assertCompletesWithSuccess(cid);
            assertThat(first.refCnt()).as("first part released, cut at %d", cut).isZero();
            assertThat(second.refCnt()).as("second part released, cut at %d", cut).isZero();
        }
    }

    @Test
    void shouldCountAWriteTheStoreHoldsAsAwaitedByTheLoopUntilItsCompletionRuns() {
        Handoffs loop = Handoffs.ofThisThread();
        int before = loop.outstanding();
        io.send(pooled(inCapsuleWrite(5, pattern(4096, 1)), 0, 72 + 4096));
        assertThat(loop.outstanding()).as("the store holds it: the loop may stay awake for it").isEqualTo(before + 1);
        assertCompletesWithSuccess(5);
        assertThat(loop.outstanding()).isEqualTo(before);
    }

    @Test
    void shouldNotCountAWriteTheStoreCompletesInline() {
        store.inline = true;
        Handoffs loop = Handoffs.ofThisThread();
        int before = loop.outstanding();
        io.send(pooled(inCapsuleWrite(6, pattern(4096, 2)), 0, 72 + 4096));
        assertThat(io.next().cqeStatus()).isZero();
        assertThat(loop.outstanding()).isEqualTo(before);
    }

    /** Sends a write by R2T; returns its transfer tag. */
    private int solicit(int cid, int length) {
        io.send(Pdus.capsule(Pdus.transport(writeSqe(cid, length / BLOCK), length), null, false, false));
        ReceivedPdu r2t = io.next();
        assertThat(r2t.type()).isEqualTo(PduType.R2T);
        return r2t.ttag();
    }

    @Test
    void shouldHandTheStoreASliceOfOneH2cDataCarryingTheWholeTransfer() {
        ByteBuf data = pattern(8192, 2);
        int ttag = solicit(9, 8192);
        ByteBuf pdu = Pdus.h2cData(9, ttag, 0, data, true, false, false);
        ByteBuf read = pooled(ByteBufUtil.getBytes(pdu), 0, pdu.readableBytes());
        pdu.release();
        io.send(read);
        assertThat(store.written.get(0)).isEqualTo(ByteBufUtil.getBytes(data));
        assertThat(read.refCnt()).as("the store's slice holds the read buffer").isOne();
        assertCompletesWithSuccess(9);
        assertThat(read.refCnt()).isZero();
    }

    @Test
    void shouldGatherH2cDataInPartsIntoACopyAndReleaseEachPartAtOnce() {
        ByteBuf data = pattern(8192, 3);
        int ttag = solicit(10, 8192);
        List<ByteBuf> reads = new ArrayList<>();
        for (int offset = 0; offset < 8192; offset += 3072) {
            int n = Math.min(3072, 8192 - offset);
            ByteBuf pdu = Pdus.h2cData(10, ttag, offset, data.slice(offset, n), offset + n == 8192, false, false);
            ByteBuf read = pooled(ByteBufUtil.getBytes(pdu), 0, pdu.readableBytes());
            pdu.release();
            reads.add(read);
            io.send(read);
        }
        assertThat(store.written.get(0)).isEqualTo(ByteBufUtil.getBytes(data));
        assertThat(reads).allSatisfy(b -> assertThat(b.refCnt()).as("copied, not held").isZero());
        assertCompletesWithSuccess(10);
    }

    @Test
    void shouldAllocateNoHeapMemoryPerInCapsuleWrite() throws InterruptedException {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        store.inline = true;
        EmbeddedChannel channel = io.channel();
        channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        int count = 20_000;
        int pduLength = 72 + 4096;
        ByteBuf wire = PooledByteBufAllocator.DEFAULT.directBuffer(count * pduLength);
        for (int i = 0; i < count; i++) {
            wire.writeBytes(inCapsuleWrite(i & 0xFFFF, pattern(4096, i)));
        }
        long[] perWrite = new long[1];
        // On a thread like an event loop's: Netty recycles its buffer objects only on those.
        Thread loop = new FastThreadLocalThread(() -> perWrite[0] = allocatedPerRead(channel, wire, pduLength, count));
        loop.start();
        loop.join();
        wire.release();
        assertThat(perWrite[0]).as("heap bytes allocated per 4 KiB write").isLessThan(8);
    }

    /** Feeds the PDUs in {@code wire} one read each; the heap bytes allocated per read after a warm-up. */
    private static long allocatedPerRead(EmbeddedChannel channel, ByteBuf wire, int pduLength, int count) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        long before = 0;
        int warmUp = count / 2;
        for (int i = 0; i < count; i++) {
            if (i == warmUp) {
                before = threads.getThreadAllocatedBytes(thread);
            }
            channel.pipeline().fireChannelRead(wire.retainedSlice(i * pduLength, pduLength));
            channel.pipeline().fireChannelReadComplete();
            Object out;
            while ((out = channel.readOutbound()) != null) {
                ReferenceCountUtil.release(out);
            }
        }
        return (threads.getThreadAllocatedBytes(thread) - before) / (count - warmUp);
    }
}
