package io.basalt.nvmet.subsystem;

import io.basalt.volume.HostAccess;
import io.basalt.block.testing.MemoryBlockStore;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.volume.Volume;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubsystemTest {

    private static Namespace namespace(int nsid) {
        return new Namespace(new Volume(nsid, "ns" + nsid, UUID.nameUUIDFromBytes(new byte[] {(byte) nsid}),
                new MemoryBlockStore(1 << 20, 512), HostAccess.any()));
    }

    @Test
    void shouldKeepALoneBricksSingleOptimizedGroup() {
        Subsystem s = Fixtures.subsystem();
        assertThat(s.multipath()).isEqualTo(MultipathConfig.SINGLE_PATH);
        assertThat(s.anaGroupId(s.namespace(2))).isEqualTo(1);
        assertThat(s.maxAnaGroups()).isEqualTo(1);
        assertThat(s.namespace(1).anaState()).isEqualTo(AnaState.OPTIMIZED);
        assertThatThrownBy(() -> s.setAnaState(1, AnaState.INACCESSIBLE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("groupPerNamespace");
        assertThatThrownBy(() -> s.addNamespace(namespace(3), AnaState.INACCESSIBLE))
                .isInstanceOf(IllegalStateException.class);
        assertThat(s.namespace(3)).isNull();
    }

    @Test
    void shouldNameEachGroupByItsNsid() {
        Subsystem s = Fixtures.clusterSubsystem();
        assertThat(s.anaGroupId(s.namespace(5))).isEqualTo(5);
        assertThat(s.maxAnaGroups()).isEqualTo(Subsystem.MAX_NAMESPACES);
    }

    @Test
    void shouldRefuseANamespaceAboveTheHighestGroup() {
        Subsystem s = Fixtures.clusterSubsystem();
        assertThatThrownBy(() -> s.addNamespace(namespace(Subsystem.MAX_NAMESPACES + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        s.addNamespace(namespace(Subsystem.MAX_NAMESPACES));
    }

    @Test
    void shouldCountEveryStateChangeAndTellListenersWithTheNamespacesAccess() {
        Subsystem s = Fixtures.clusterSubsystem();
        List<Integer> heard = new ArrayList<>();
        s.onAnaChange((nsid, access) -> {
            assertThat(access).isSameAs(s.namespace(nsid).volume().access());
            heard.add(nsid);
        });
        s.setAnaState(3, AnaState.INACCESSIBLE);
        s.setAnaState(3, AnaState.INACCESSIBLE);
        s.setAnaState(1, AnaState.CHANGE);
        assertThat(heard).as("setting the same state again is no change").containsExactly(3, 1);
        assertThat(s.anaChangeCount()).isEqualTo(3);
        assertThat(s.namespace(3).anaChangeCount()).isEqualTo(2);
        assertThat(s.namespace(1).anaChangeCount()).isEqualTo(3);
        assertThat(s.namespace(5).anaChangeCount()).isEqualTo(1);
        assertThatThrownBy(() -> s.setAnaState(4, AnaState.OPTIMIZED)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseAPeerPathHostsCannotReach() {
        assertThatThrownBy(() -> new PathAddress("0.0.0.0", 4420, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PathAddress("", 4420, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PathAddress("10.0.0.1", 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PathAddress("10.0.0.1", 4420, 0x10000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new PathAddress("fe80::1", 4420, 1).ipv6()).isTrue();
        assertThat(new PathAddress("10.0.0.1", 4420, 1).ipv6()).isFalse();
    }

    @Test
    void shouldRefuseAnAnattOutsideOneByte() {
        assertThatThrownBy(() -> MultipathConfig.groupPerNamespace(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MultipathConfig.groupPerNamespace(256)).isInstanceOf(IllegalArgumentException.class);
        assertThat(MultipathConfig.groupPerNamespace(255).anaTransitionSeconds()).isEqualTo(255);
    }
}
