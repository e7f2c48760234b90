package io.basalt.initiator;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CommandSlotsTest {
    private final List<NvmeException> outcomes = new ArrayList<>();
    private final IoCallback recording = (failure, result) -> outcomes.add(failure);

    private CommandSlot start(CommandSlots slots, int direction, ByteBuf data, int length) {
        CommandSlot s = slots.acquire();
        s.callback = recording;
        s.direction = direction;
        s.data = data;
        s.length = length;
        s.opcode = Opcodes.IO_READ;
        return s;
    }

    @Test
    void shouldNotFindACommandIdOnceItsSlotWasReused() {
        CommandSlots slots = new CommandSlots("q", 1, 1, 30_000);
        CommandSlot first = start(slots, Opcodes.XFER_NONE, null, 0);
        int oldCid = first.cid;
        slots.complete(first, Status.SUCCESS, 0);

        CommandSlot second = start(slots, Opcodes.XFER_NONE, null, 0);

        assertThat(second).isSameAs(first);
        assertThat(second.cid & CommandSlots.SLOT_MASK).isEqualTo(oldCid & CommandSlots.SLOT_MASK);
        assertThat(slots.find(oldCid)).isNull();
        assertThat(slots.find(second.cid)).isSameAs(second);
    }

    @Test
    void shouldRefuseACommandWhenEverySlotIsInUse() {
        CommandSlots slots = new CommandSlots("q", 1, 2, 30_000);
        start(slots, Opcodes.XFER_NONE, null, 0);
        start(slots, Opcodes.XFER_NONE, null, 0);

        assertThat(slots.acquire()).isNull();
        assertThat(slots.outstanding()).isEqualTo(2);
    }

    @Test
    void shouldMoveTheWriterIndexOfARead() {
        CommandSlots slots = new CommandSlots("q", 1, 1, 30_000);
        ByteBuf dst = Unpooled.buffer(4096);
        CommandSlot s = start(slots, Opcodes.XFER_CONTROLLER_TO_HOST, dst, 4096);
        s.advanceWriter = true;
        s.received = 4096;

        slots.complete(s, Status.SUCCESS, 0);

        assertThat(outcomes).containsExactly((NvmeException) null);
        assertThat(dst.writerIndex()).isEqualTo(4096);
        assertThat(slots.outstanding()).isZero();
    }

    @Test
    void shouldFailAReadThatCompletesWithDataMissing() {
        CommandSlots slots = new CommandSlots("q", 1, 1, 30_000);
        ByteBuf dst = Unpooled.buffer(4096);
        CommandSlot s = start(slots, Opcodes.XFER_CONTROLLER_TO_HOST, dst, 4096);
        s.advanceWriter = true;
        s.received = 512;

        slots.complete(s, Status.SUCCESS, 0);

        assertThat(outcomes).singleElement().isInstanceOf(NvmeTransportException.class);
        assertThat(outcomes.getFirst()).hasMessageContaining("Read completed with 512 of 4096 bytes");
        assertThat(dst.writerIndex()).isZero();
    }

    @Test
    void shouldNeverTimeOutAnAsyncEventRequestWhichWaitsForAnEventNotAnAnswer() {
        CommandSlots slots = new CommandSlots("admin", 0, 2, 0);
        CommandSlot aer = start(slots, Opcodes.XFER_NONE, null, 0);
        aer.opcode = Opcodes.ADMIN_ASYNC_EVENT_REQUEST;
        CommandSlot keepAlive = start(slots, Opcodes.XFER_NONE, null, 0);
        keepAlive.opcode = Opcodes.ADMIN_KEEP_ALIVE;

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (outcomes.isEmpty() && System.nanoTime() < deadline) {
            slots.expire();
        }
        slots.expire();

        assertThat(outcomes).as("only the Keep Alive timed out").singleElement()
                .isInstanceOf(NvmeTimeoutException.class);
        slots.complete(aer, Status.SUCCESS, 0x000C0302);
        assertThat(outcomes).hasSize(2).last().isNull();
    }

    @Test
    void shouldTellATimedOutCommandOnceAndKeepItsIdUntilTheTargetAnswers() {
        CommandSlots slots = new CommandSlots("q", 1, 1, 0);
        CommandSlot s = start(slots, Opcodes.XFER_NONE, null, 0);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (outcomes.isEmpty() && System.nanoTime() < deadline) {
            slots.expire();
        }
        slots.expire();

        assertThat(outcomes).singleElement().isInstanceOf(NvmeTimeoutException.class);
        assertThat(slots.find(s.cid)).isSameAs(s);
        slots.complete(s, Status.SUCCESS, 0);
        assertThat(outcomes).hasSize(1);
        assertThat(slots.outstanding()).isZero();
    }

    @Test
    void shouldFailEveryCommandInFlightButNotOneAlreadyTimedOut() {
        CommandSlots slots = new CommandSlots("q", 1, 3, 30_000);
        start(slots, Opcodes.XFER_NONE, null, 0);
        start(slots, Opcodes.XFER_NONE, null, 0);
        CommandSlot abandoned = start(slots, Opcodes.XFER_NONE, null, 0);
        abandoned.abandoned = true;

        slots.failAll(new NvmeTransportException("gone"));

        assertThat(outcomes).hasSize(2).allMatch(f -> f.getMessage().equals("gone"));
        assertThat(slots.outstanding()).isZero();
    }
}
