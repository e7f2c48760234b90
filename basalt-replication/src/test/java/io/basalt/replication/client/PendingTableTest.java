package io.basalt.replication.client;

import io.basalt.block.BlockIo;
import io.basalt.replication.testing.RecordingIo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PendingTableTest {
    private final PendingTable table = new PendingTable(8);

    private static RecordingIo io() {
        return new RecordingIo(BlockIo.OP_FLUSH, 0, 0, null);
    }

    @Test
    void shouldGiveAPublishedOperationToExactlyOneTaker() {
        RecordingIo io = io();
        long id = table.claim();
        table.publish(id, io, Long.MAX_VALUE);
        assertThat(table.take(id)).isSameAs(io);
        assertThat(table.take(id)).as("a second answer for the same id").isNull();
        assertThat(table.takeSlot((int) id)).as("a sweep after the answer").isNull();
    }

    @Test
    void shouldNotMatchAnAnswerToAClaimedButUnpublishedSlot() {
        long id = table.claim();
        assertThat(table.take(id)).isNull();
        assertThat(table.takeSlot((int) id)).isNull();
    }

    @Test
    void shouldIgnoreALateAnswerOnceTheSlotServesANewerId() {
        RecordingIo io = io();
        long old = table.claim();
        table.publish(old, io, Long.MAX_VALUE);
        assertThat(table.takeSlot((int) old)).as("timed out").isSameAs(io);
        long newer = -1;
        for (int i = 0; i < 8; i++) {
            long id = table.claim();
            if ((id & 7) == (old & 7)) {
                newer = id;
            }
        }
        assertThat(newer).as("the same slot under a newer id").isGreaterThan(old);
        table.publish(newer, io, Long.MAX_VALUE);
        assertThat(table.take(old)).as("the late answer to the old id").isNull();
        assertThat(table.take(newer)).isSameAs(io);
    }

    @Test
    void shouldRefuseAClaimWhenEverySlotIsBusy() {
        for (int i = 0; i < 8; i++) {
            assertThat(table.claim()).isNotNegative();
        }
        assertThat(table.claim()).isEqualTo(-1);
    }

    @Test
    void shouldExpireOnlyPastTheDeadline() {
        RecordingIo io = io();
        long id = table.claim();
        table.publish(id, io, 1_000);
        int slot = (int) id & 7;
        assertThat(table.takeIfExpired(slot, 1_000)).isNull();
        assertThat(table.takeIfExpired(slot, 1_001)).isSameAs(io);
        assertThat(table.take(id)).as("an answer after the timeout").isNull();
    }

    @Test
    void shouldFreeAnUnclaimedSlotForTheNextClaim() {
        for (int i = 0; i < 8; i++) {
            table.claim();
        }
        table.unclaim(3);
        assertThat(table.claim() & 7).isEqualTo(3);
    }
}
