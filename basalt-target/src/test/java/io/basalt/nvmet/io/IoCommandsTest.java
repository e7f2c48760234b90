package io.basalt.nvmet.io;

import io.basalt.block.testing.MemoryBlockStore;
import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.basalt.nvme.tcp.PduFlags;
import io.basalt.nvme.tcp.PduType;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.subsystem.AnaState;
import io.basalt.volume.HostAccess;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.Pdus;
import io.basalt.nvmet.testing.ReceivedPdu;
import io.basalt.nvmet.testing.Sqes;
import io.basalt.nvmet.testing.TestHost;
import io.basalt.volume.Volume;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class IoCommandsTest {
    private static final int BLOCK = Fixtures.BLOCK;

    private ControllerRegistry registry;
    private TestHost admin;
    private TestHost io;
    private int cntlid;

    @BeforeEach
    void setUp() {
        registry = Fixtures.registry();
        admin = new TestHost(registry);
        cntlid = admin.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
    }

    @AfterEach
    void tearDown() {
        if (io != null) {
            io.close();
        }
        admin.close();
    }

    private void openIo(boolean headerDigest, boolean dataDigest, int cattr) {
        io = new TestHost(registry);
        io.initialize(headerDigest, dataDigest);
        ReceivedPdu resp = io.connect(1, 127, cntlid, Fixtures.SUBNQN, Fixtures.HOST, 0, cattr);
        assertThat(resp.cqeStatus()).isZero();
    }

    private void openIo() {
        openIo(false, false, 0);
    }

    /** Distinct bytes per block and position, so a misplaced block shows. */
    private static ByteBuf pattern(int blocks, int seed) {
        ByteBuf b = Unpooled.buffer(blocks * BLOCK);
        for (int i = 0; i < blocks * BLOCK; i++) {
            b.writeByte(i * 7 + seed * 31 + i / BLOCK);
        }
        return b;
    }

    private int write(long slba, ByteBuf data) {
        int blocks = data.readableBytes() / BLOCK;
        return io.command(Sqes.blocks(Opcodes.IO_WRITE, io.cid(), 1, slba, blocks), data).cqeStatus();
    }

    private TestHost.Reply read(int nsid, long slba, int blocks) {
        return io.transfer(Sqes.blocks(Opcodes.IO_READ, io.cid(), nsid, slba, blocks), blocks * BLOCK);
    }

    private ByteBuf readOk(long slba, int blocks) {
        TestHost.Reply r = read(1, slba, blocks);
        assertThat(r.status()).as(Status.describe(r.status())).isZero();
        assertThat(r.data().readableBytes()).isEqualTo(blocks * BLOCK);
        return r.data();
    }

    private static ByteBuf dsmRanges(long... slbaAndBlocks) {
        ByteBuf b = Unpooled.buffer();
        for (int i = 0; i < slbaAndBlocks.length; i += 2) {
            b.writeIntLE(0).writeIntLE((int) slbaAndBlocks[i + 1]).writeLongLE(slbaAndBlocks[i]);
        }
        return b;
    }

    private static ByteBuf zeros(int blocks) {
        return Unpooled.buffer(blocks * BLOCK).writeZero(blocks * BLOCK);
    }

    /** Starts over as one path of a multi-brick subsystem (an ANA group per namespace). */
    private void useClusterSubsystem() {
        admin.close();
        registry = Fixtures.clusterRegistry();
        admin = new TestHost(registry);
        cntlid = admin.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        openIo();
    }

    // ---- ANA: this path's state of the namespace -------------------------------------------

    @Test
    void shouldAnswerEveryIoCommandOnAnInaccessiblePathWithAnaInaccessibleAndNoDnr() {
        useClusterSubsystem();
        assertThat(write(0, pattern(1, 5))).isZero();
        registry.subsystem().setAnaState(1, AnaState.INACCESSIBLE);

        assertThat(read(1, 0, 1).status()).as("read").isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(write(0, pattern(1, 6))).as("write").isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(io.command(Pdus.sqe(Opcodes.IO_FLUSH, io.cid(), 1), null).cqeStatus()).as("flush")
                .isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(io.command(Sqes.blocks(Opcodes.IO_WRITE_ZEROES, io.cid(), 1, 0, 1), null).cqeStatus())
                .as("write zeroes").isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(io.command(Sqes.dsm(io.cid(), 1, 1, true), dsmRanges(0, 1)).cqeStatus()).as("deallocate")
                .isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(read(3, 0, 1).status()).as("another namespace stays optimized").isZero();

        registry.subsystem().setAnaState(1, AnaState.OPTIMIZED);
        assertThat(readOk(0, 1)).as("the refused write left the data alone").isEqualTo(pattern(1, 5));
    }

    @Test
    void shouldAnswerAnaTransitionWhileTheStateIsChanging() {
        useClusterSubsystem();
        registry.subsystem().setAnaState(1, AnaState.CHANGE);
        assertThat(read(1, 0, 1).status()).isEqualTo(Status.ANA_TRANSITION);
        assertThat(write(0, pattern(1, 1))).isEqualTo(Status.ANA_TRANSITION);
    }

    @Test
    void shouldAnswerAnaPersistentLossOnAPathLostForGood() {
        useClusterSubsystem();
        registry.subsystem().setAnaState(1, AnaState.PERSISTENT_LOSS);
        assertThat(read(1, 0, 1).status()).isEqualTo(Status.ANA_PERSISTENT_LOSS);
    }

    @Test
    void shouldServeIoOnANonOptimizedPath() {
        useClusterSubsystem();
        registry.subsystem().setAnaState(1, AnaState.NON_OPTIMIZED);
        ByteBuf data = pattern(2, 3);
        assertThat(write(4, data)).isZero();
        assertThat(readOk(4, 2)).isEqualTo(data);
    }

    @Test
    void shouldRefuseAWriteByR2tOnAnInaccessiblePathWithoutAskingForItsData() {
        useClusterSubsystem();
        registry.subsystem().setAnaState(1, AnaState.INACCESSIBLE);
        ByteBuf sqe = Pdus.transport(Sqes.blocks(Opcodes.IO_WRITE, 22, 1, 0, 16), 16 * BLOCK);
        io.send(Pdus.capsule(sqe, null, false, false));
        ReceivedPdu resp = io.next();
        assertThat(resp.type()).as("a response, no R2T").isEqualTo(PduType.CAPSULE_RESP);
        assertThat(resp.cqeStatus()).isEqualTo(Status.ANA_INACCESSIBLE);
        assertThat(resp.cqeCid()).isEqualTo(22);
    }

    // ---- Read and Write --------------------------------------------------------------------

    @Test
    void shouldReadBackWhatWasWrittenInCapsule() {
        openIo();
        ByteBuf data = pattern(8, 1);
        assertThat(write(10, data)).isZero();
        assertThat(readOk(10, 8)).isEqualTo(data);
        assertThat(readOk(11, 1)).isEqualTo(data.slice(BLOCK, BLOCK));
    }

    @Test
    void shouldReadBackWhatWasWrittenByR2t() {
        openIo();
        ByteBuf data = pattern(16, 2);
        ByteBuf sqe = Pdus.transport(Sqes.blocks(Opcodes.IO_WRITE, 21, 1, 100, 16), 16 * BLOCK);
        io.send(Pdus.capsule(sqe, null, false, false));
        ReceivedPdu r2t = io.next();
        assertThat(r2t.type()).isEqualTo(PduType.R2T);
        assertThat(r2t.dataLength()).isEqualTo(16 * BLOCK);
        ReceivedPdu resp = io.h2cData(21, r2t.ttag(), 0, data, true);
        assertThat(resp.cqeStatus()).isZero();
        assertThat(resp.cqeCid()).isEqualTo(21);
        assertThat(readOk(100, 16)).isEqualTo(data);
    }

    @Test
    void shouldReadZerosFromBlocksNeverWritten() {
        openIo();
        assertThat(readOk(2047, 1)).isEqualTo(zeros(1));
    }

    @Test
    void shouldAcceptTheLastBlock() {
        openIo();
        ByteBuf data = pattern(1, 3);
        assertThat(write(2047, data)).isZero();
        assertThat(readOk(2047, 1)).isEqualTo(data);
    }

    @Test
    void shouldRefuseAStartingLbaAtTheEnd() {
        openIo();
        TestHost.Reply r = read(1, 2048, 1);
        assertThat(r.status()).isEqualTo(0x4080);
        assertThat(r.data().readableBytes()).isZero();
        assertThat(write(2048, pattern(1, 0))).isEqualTo(0x4080);
    }

    @Test
    void shouldRefuseARangeThatRunsPastTheEnd() {
        openIo();
        assertThat(read(1, 2047, 2).status()).isEqualTo(Status.LBA_OUT_OF_RANGE | Status.DNR);
        assertThat(write(2047, pattern(2, 0))).isEqualTo(Status.LBA_OUT_OF_RANGE | Status.DNR);
    }

    @Test
    void shouldRefuseAStartingLbaThatWouldOverflow() {
        openIo();
        assertThat(read(1, 0xFFFFFFFFFFFFFFFFL, 2).status()).isEqualTo(Status.LBA_OUT_OF_RANGE | Status.DNR);
    }

    @Test
    void shouldRefuseATransferAboveMdts() {
        // A 4 MiB namespace, so 1 MiB + 1 block is within its range but above the 1 MiB MDTS.
        registry.subsystem().addNamespace(new Namespace(new Volume(3, "big", UUID.nameUUIDFromBytes(new byte[] {3}),
                new MemoryBlockStore(4L << 20, BLOCK), HostAccess.any())));
        openIo();
        int blocks = (1 << 20) / BLOCK + 1;
        TestHost.Reply r = read(3, 0, blocks);
        assertThat(r.status()).isEqualTo(Status.INVALID_FIELD | Status.DNR);
        assertThat(read(3, 0, blocks - 1).status()).as("exactly MDTS is fine").isZero();
        ByteBuf sqe = Pdus.transport(Sqes.blocks(Opcodes.IO_WRITE, 5, 3, 0, blocks), blocks * BLOCK);
        io.send(Pdus.capsule(sqe, null, false, false));
        ReceivedPdu resp = io.next();
        assertThat(resp.type()).as("refused before any R2T").isEqualTo(PduType.CAPSULE_RESP);
        assertThat(resp.cqeStatus()).isEqualTo(Status.INVALID_FIELD | Status.DNR);
    }

    @Test
    void shouldRefuseAnSglLengthThatDisagreesWithTheBlockCount() {
        openIo();
        TestHost.Reply r = io.transfer(Sqes.blocks(Opcodes.IO_READ, io.cid(), 1, 0, 1), 2 * BLOCK);
        assertThat(r.status()).isEqualTo(Status.SGL_INVALID_DATA_LENGTH | Status.DNR);
        assertThat(r.data().readableBytes()).isZero();
        ReceivedPdu w = io.command(Sqes.blocks(Opcodes.IO_WRITE, io.cid(), 1, 0, 2), pattern(1, 0));
        assertThat(w.cqeStatus()).isEqualTo(0x400F);
    }

    @Test
    void shouldRefuseANamespaceTheHostMayNotSee() {
        openIo();
        assertThat(read(2, 0, 1).status()).isEqualTo(Status.INVALID_NAMESPACE | Status.DNR);
        ReceivedPdu w = io.command(Sqes.blocks(Opcodes.IO_WRITE, io.cid(), 2, 0, 1), pattern(1, 0));
        assertThat(w.cqeStatus()).isEqualTo(Status.INVALID_NAMESPACE | Status.DNR);
    }

    @Test
    void shouldRefuseNsidZeroAndBroadcast() {
        openIo();
        assertThat(read(0, 0, 1).status()).isEqualTo(Status.INVALID_NAMESPACE | Status.DNR);
        assertThat(read(0xFFFFFFFF, 0, 1).status()).isEqualTo(Status.INVALID_NAMESPACE | Status.DNR);
    }

    @Test
    void shouldReturnInvalidOpcodeForUnsupportedIoCommands() {
        openIo();
        for (int opcode : new int[] {0x03, 0x0C, 0x10, 0x80}) {
            ReceivedPdu resp = io.command(Pdus.sqe(opcode, io.cid(), 1), null);
            assertThat(resp.cqeStatus()).as("opcode 0x%02x", opcode).isEqualTo(Status.INVALID_OPCODE | Status.DNR);
        }
    }

    @Test
    void shouldRefuseAdminCommandsOnAnIoQueue() {
        openIo();
        TestHost.Reply r = io.transfer(Sqes.identify(io.cid(), 0x01, 0), 4096);
        assertThat(r.data().readableBytes()).isZero();
        assertThat(Status.isSuccess(r.status())).isFalse();
    }

    // ---- Write Zeroes, DSM, Flush ----------------------------------------------------------

    @Test
    void shouldZeroOnlyTheGivenRange() {
        openIo();
        ByteBuf data = pattern(4, 4);
        assertThat(write(4, data)).isZero();
        ReceivedPdu resp = io.command(Sqes.blocks(Opcodes.IO_WRITE_ZEROES, io.cid(), 1, 5, 2), null);
        assertThat(resp.cqeStatus()).isZero();
        ByteBuf after = readOk(4, 4);
        assertThat(after.slice(0, BLOCK)).isEqualTo(data.slice(0, BLOCK));
        assertThat(after.slice(BLOCK, 2 * BLOCK)).isEqualTo(zeros(2));
        assertThat(after.slice(3 * BLOCK, BLOCK)).isEqualTo(data.slice(3 * BLOCK, BLOCK));
    }

    @Test
    void shouldRefuseWriteZeroesPastTheEnd() {
        openIo();
        ReceivedPdu resp = io.command(Sqes.blocks(Opcodes.IO_WRITE_ZEROES, io.cid(), 1, 2047, 2), null);
        assertThat(resp.cqeStatus()).isEqualTo(Status.LBA_OUT_OF_RANGE | Status.DNR);
    }

    @Test
    void shouldReadZerosAfterDeallocate() {
        openIo();
        ByteBuf data = pattern(8, 5);
        assertThat(write(0, data)).isZero();
        ReceivedPdu resp = io.command(Sqes.dsm(io.cid(), 1, 2, true), dsmRanges(0, 2, 6, 1));
        assertThat(resp.cqeStatus()).isZero();
        ByteBuf after = readOk(0, 8);
        assertThat(after.slice(0, 2 * BLOCK)).isEqualTo(zeros(2));
        assertThat(after.slice(2 * BLOCK, 4 * BLOCK)).isEqualTo(data.slice(2 * BLOCK, 4 * BLOCK));
        assertThat(after.slice(6 * BLOCK, BLOCK)).isEqualTo(zeros(1));
        assertThat(after.slice(7 * BLOCK, BLOCK)).isEqualTo(data.slice(7 * BLOCK, BLOCK));
    }

    @Test
    void shouldKeepDataForDatasetManagementHintsWithoutDeallocate() {
        openIo();
        ByteBuf data = pattern(2, 6);
        assertThat(write(0, data)).isZero();
        ReceivedPdu resp = io.command(Sqes.dsm(io.cid(), 1, 1, false), dsmRanges(0, 2));
        assertThat(resp.cqeStatus()).isZero();
        assertThat(readOk(0, 2)).isEqualTo(data);
    }

    @Test
    void shouldRefuseADeallocateRangePastTheEnd() {
        openIo();
        ByteBuf data = pattern(1, 7);
        assertThat(write(0, data)).isZero();
        ReceivedPdu resp = io.command(Sqes.dsm(io.cid(), 1, 2, true), dsmRanges(0, 1, 2047, 2));
        assertThat(resp.cqeStatus()).isEqualTo(Status.LBA_OUT_OF_RANGE | Status.DNR);
        assertThat(readOk(0, 1)).as("no range is deallocated when one is invalid").isEqualTo(data);
    }

    @Test
    void shouldRefuseDsmDataShorterThanItsRanges() {
        openIo();
        ReceivedPdu resp = io.command(Sqes.dsm(io.cid(), 1, 2, true), dsmRanges(0, 1));
        assertThat(resp.cqeStatus()).isEqualTo(Status.SGL_INVALID_DATA_LENGTH | Status.DNR);
    }

    @Test
    void shouldFlush() {
        openIo();
        ReceivedPdu resp = io.command(Pdus.sqe(Opcodes.IO_FLUSH, 77, 1), null);
        assertThat(resp.cqeStatus()).isZero();
        assertThat(resp.cqeCid()).isEqualTo(77);
    }

    // ---- C2HData framing -------------------------------------------------------------------

    @Test
    void shouldCompleteAReadWithTheLastDataPduWhenSqFlowControlIsDisabled() {
        openIo(false, false, 0x04);
        ByteBuf data = pattern(2, 8);
        assertThat(write(0, data)).isZero();
        List<ReceivedPdu> pdus = io.readCommand(Sqes.blocks(Opcodes.IO_READ, 9, 1, 0, 2), 2 * BLOCK);
        assertThat(pdus).hasSize(1);
        ReceivedPdu c2h = pdus.get(0);
        assertThat(c2h.type()).isEqualTo(PduType.C2H_DATA);
        assertThat(c2h.flags()).isEqualTo(PduFlags.LAST_PDU | PduFlags.SUCCESS);
        assertThat(c2h.cccid()).isEqualTo(9);
        assertThat(c2h.data()).isEqualTo(data);
    }

    @Test
    void shouldSendDataAndThenACompletionWithSqFlowControlOn() {
        openIo();
        List<ReceivedPdu> pdus = io.readCommand(Sqes.blocks(Opcodes.IO_READ, 9, 1, 0, 1), BLOCK);
        assertThat(pdus).extracting(ReceivedPdu::type).containsExactly(PduType.C2H_DATA, PduType.CAPSULE_RESP);
        ReceivedPdu c2h = pdus.get(0);
        assertThat(c2h.flags()).isEqualTo(PduFlags.LAST_PDU);
        assertThat(c2h.hlen()).isEqualTo(24);
        assertThat(c2h.pdo()).isEqualTo(24);
        assertThat(c2h.plen()).isEqualTo(24 + BLOCK);
        assertThat(c2h.dataOffset()).isZero();
        assertThat(c2h.dataLength()).isEqualTo(BLOCK);
        assertThat(pdus.get(1).cqeCid()).isEqualTo(9);
    }

    @Test
    void shouldProtectC2hDataWithHeaderAndDataDigests() {
        openIo(true, true, 0);
        ByteBuf data = pattern(2, 9);
        assertThat(write(0, data)).isZero();
        List<ReceivedPdu> pdus = io.readCommand(Sqes.blocks(Opcodes.IO_READ, 9, 1, 0, 2), 2 * BLOCK);
        assertThat(pdus).extracting(ReceivedPdu::type).containsExactly(PduType.C2H_DATA, PduType.CAPSULE_RESP);
        ReceivedPdu c2h = pdus.get(0);
        ByteBuf raw = c2h.bytes();
        assertThat(c2h.flags()).isEqualTo(PduFlags.LAST_PDU | PduFlags.HDGSTF | PduFlags.DDGSTF);
        assertThat(c2h.pdo()).isEqualTo(28);
        assertThat(c2h.plen()).isEqualTo(28 + 2 * BLOCK + 4);
        assertThat(raw.getIntLE(24)).as("header digest").isEqualTo(Pdus.crc(raw, 0, 24));
        assertThat(c2h.data()).isEqualTo(data);
        assertThat(raw.getIntLE(28 + 2 * BLOCK)).as("data digest").isEqualTo(Pdus.crc(data, 0, 2 * BLOCK));
        ReceivedPdu resp = pdus.get(1);
        assertThat(resp.plen()).as("responses carry no data digest").isEqualTo(28);
        assertThat(resp.bytes().getIntLE(24)).isEqualTo(Pdus.crc(resp.bytes(), 0, 24));
    }

    @Test
    void shouldAlignC2hDataToTheHostPduAlignment() {
        io = new TestHost(registry);
        io.send(Pdus.icReq(3, 0));
        assertThat(io.next().type()).isEqualTo(PduType.IC_RESP);
        assertThat(io.connect(1, 127, cntlid, Fixtures.SUBNQN, Fixtures.HOST, 0, 0).cqeStatus()).isZero();
        ByteBuf data = pattern(1, 10);
        assertThat(write(0, data)).isZero();
        List<ReceivedPdu> pdus = io.readCommand(Sqes.blocks(Opcodes.IO_READ, 9, 1, 0, 1), BLOCK);
        ReceivedPdu c2h = pdus.get(0);
        assertThat(c2h.type()).isEqualTo(PduType.C2H_DATA);
        assertThat(c2h.pdo()).as("(hpda + 1) * 4 = 16-byte alignment").isEqualTo(32);
        assertThat(c2h.plen()).isEqualTo(32 + BLOCK);
        assertThat(c2h.bytes().slice(24, 8)).as("padding").isEqualTo(Unpooled.buffer().writeZero(8));
        assertThat(c2h.data()).isEqualTo(data);
    }
}
