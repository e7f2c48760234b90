package io.basalt.nvmet.dispatch;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.ReceivedPdu;
import io.basalt.nvmet.testing.Sqes;
import io.basalt.nvmet.testing.TestHost;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** FAILING: the target neither checks PSDT nor refuses fused commands (Identify FUSES = 0). */
class CommandDispatcherTest {
    private ControllerRegistry registry;
    private TestHost admin;
    private TestHost io;

    @BeforeEach
    void setUp() {
        registry = Fixtures.registry();
        admin = new TestHost(registry);
        int cntlid = admin.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        io = new TestHost(registry);
        io.connectIoQueue(31, cntlid, Fixtures.SUBNQN, Fixtures.HOST, false);
    }

    @AfterEach
    void tearDown() {
        io.close();
        admin.close();
    }

    private ByteBuf block(int value) {
        ByteBuf b = Unpooled.buffer(Fixtures.BLOCK);
        for (int i = 0; i < Fixtures.BLOCK; i++) {
            b.writeByte(value);
        }
        return b;
    }

    @Test
    void shouldRefuseAFusedWriteItCannotPairWithACompare() {
        ByteBuf sqe = Sqes.blocks(Opcodes.IO_WRITE, io.cid(), 1, 0, 1);
        sqe.setByte(1, 0x40 | 0x02); // SGL, FUSE = 10b: second command of a fused Compare and Write
        ReceivedPdu resp = io.command(sqe, block(0xAB));
        assertThat(resp.cqeStatus()).as(Status.describe(resp.cqeStatus())).isEqualTo(Status.INVALID_FIELD | Status.DNR);
        TestHost.Reply read = io.transfer(Sqes.blocks(Opcodes.IO_READ, io.cid(), 1, 0, 1), Fixtures.BLOCK);
        assertThat(read.data()).as("the unpaired half of an atomic compare-and-write must not land").isEqualTo(block(0));
    }

    @Test
    void shouldRefuseACommandThatUsesPrpsInsteadOfSgls() {
        ByteBuf sqe = Sqes.blocks(Opcodes.IO_READ, io.cid(), 1, 0, 1);
        sqe.setByte(1, 0x00); // PSDT 00b: PRPs, which NVMe over Fabrics does not allow
        TestHost.Reply r = io.transfer(sqe, Fixtures.BLOCK);
        assertThat(r.resp()).isNotNull();
        assertThat(r.status()).as(Status.describe(r.status())).isEqualTo(Status.INVALID_FIELD | Status.DNR);
    }
}
