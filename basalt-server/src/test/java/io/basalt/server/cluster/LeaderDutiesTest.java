package io.basalt.server.cluster;

import io.basalt.control.topology.BrickRecord;
import io.basalt.control.topology.BrickState;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How the leader judges a brick from its record, its heartbeat and the time. */
class LeaderDutiesTest {
    private static final long HOUR = 3_600_000;

    private static BrickRecord in(BrickState state, long sinceMillis) {
        return new BrickRecord("b1", "127.0.0.1:4420", null, null, Map.of(), 1, 0, 0, state, sinceMillis);
    }

    @Test
    void aHeartbeatMakesAnyBrickActive() {
        for (BrickState s : BrickState.values()) {
            assertThat(LeaderDuties.next(in(s, 0), true, 10 * HOUR, HOUR)).isEqualTo(BrickState.ACTIVE);
        }
    }

    @Test
    void anActiveBrickWithoutHeartbeatIsUnreachableAtOnce() {
        assertThat(LeaderDuties.next(in(BrickState.ACTIVE, 0), false, 1, HOUR)).isEqualTo(BrickState.UNREACHABLE);
    }

    @Test
    void anUnreachableBrickFailsOnlyAfterTheGrace() {
        assertThat(LeaderDuties.next(in(BrickState.UNREACHABLE, 1000), false, 1000 + HOUR - 1, HOUR))
                .isEqualTo(BrickState.UNREACHABLE);
        assertThat(LeaderDuties.next(in(BrickState.UNREACHABLE, 1000), false, 1000 + HOUR, HOUR))
                .isEqualTo(BrickState.FAILED);
        assertThat(LeaderDuties.next(in(BrickState.FAILED, 1000), false, 1000 + 5 * HOUR, HOUR))
                .isEqualTo(BrickState.FAILED);
    }
}
