package io.basalt.initiator.multipath;

import io.basalt.nvme.admin.AnaGroupDescriptor;
import io.basalt.nvme.admin.AnaLogHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnaStatesTest {
    /** A log page with one group per entry of {@code groups}: {state, nsid, nsid...}. */
    private static ByteBuf log(long chgcnt, int[]... groups) {
        ByteBuf b = Unpooled.buffer(4096).writeZero(4096);
        AnaLogHeader.chgcnt(b, 0, chgcnt);
        AnaLogHeader.ngrps(b, 0, groups.length);
        int at = AnaLogHeader.LENGTH;
        for (int g = 0; g < groups.length; g++) {
            AnaGroupDescriptor.anagrpid(b, at, g + 1);
            AnaGroupDescriptor.nnsids(b, at, groups[g].length - 1);
            AnaGroupDescriptor.state(b, at, groups[g][0]);
            for (int i = 1; i < groups[g].length; i++) {
                AnaGroupDescriptor.nsid(b, at, i - 1, groups[g][i]);
            }
            at += AnaGroupDescriptor.length(groups[g].length - 1);
        }
        return b;
    }

    @Test
    void shouldGiveEachNamespaceTheStateOfItsGroup() {
        AnaStates s = AnaStates.parse(log(7, new int[] {AnaGroupDescriptor.STATE_OPTIMIZED, 1, 3},
                new int[] {AnaGroupDescriptor.STATE_INACCESSIBLE, 2},
                new int[] {AnaGroupDescriptor.STATE_CHANGE, 700}), 0);

        assertThat(s.state(1)).isEqualTo(AnaGroupDescriptor.STATE_OPTIMIZED);
        assertThat(s.state(3)).isEqualTo(AnaGroupDescriptor.STATE_OPTIMIZED);
        assertThat(s.state(2)).isEqualTo(AnaGroupDescriptor.STATE_INACCESSIBLE);
        assertThat(s.state(700)).isEqualTo(AnaGroupDescriptor.STATE_CHANGE);
        assertThat(s.state(4)).as("not listed: unknown, not usable").isZero();
        assertThat(s.changeCount()).isEqualTo(7);
    }

    @Test
    void shouldChangeOneNamespaceWithoutTouchingTheTableItCameFrom() {
        AnaStates s = AnaStates.parse(log(1, new int[] {AnaGroupDescriptor.STATE_OPTIMIZED, 1, 2}), 0);

        AnaStates learnt = s.with(1, AnaGroupDescriptor.STATE_INACCESSIBLE);

        assertThat(learnt.state(1)).isEqualTo(AnaGroupDescriptor.STATE_INACCESSIBLE);
        assertThat(learnt.state(2)).isEqualTo(AnaGroupDescriptor.STATE_OPTIMIZED);
        assertThat(s.state(1)).isEqualTo(AnaGroupDescriptor.STATE_OPTIMIZED);
    }

    @Test
    void shouldTreatEveryNamespaceAsOptimizedWhenTheControllerDoesNotReportAna() {
        assertThat(AnaStates.NOT_REPORTED.state(42)).isEqualTo(AnaGroupDescriptor.STATE_OPTIMIZED);
        assertThat(AnaStates.UNKNOWN.state(1)).isZero();
    }

    @Test
    void shouldRefuseAGroupThatRunsPastThePage() {
        ByteBuf b = log(1, new int[] {AnaGroupDescriptor.STATE_OPTIMIZED, 1});
        AnaGroupDescriptor.nnsids(b, AnaLogHeader.LENGTH, 5000);

        assertThatThrownBy(() -> AnaStates.parse(b, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runs past the page");
    }
}
