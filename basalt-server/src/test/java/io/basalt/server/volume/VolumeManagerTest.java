package io.basalt.server.volume;

import io.basalt.control.volume.Backend;
import io.basalt.control.volume.Hosts;
import io.basalt.volume.chain.StoreChain;
import io.basalt.volume.qos.QosLimits;
import io.basalt.control.volume.CreateRequest;
import io.basalt.control.volume.VolumeException;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.control.HostList;
import io.basalt.nvmet.subsystem.Subsystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VolumeManagerTest {
    private static final String HOST_A = "nqn.2014-08.org.nvmexpress:uuid:aaaaaaaa-0000-0000-0000-000000000001";
    private static final String HOST_B = "nqn.2014-08.org.nvmexpress:uuid:bbbbbbbb-0000-0000-0000-000000000002";

    @TempDir
    Path dir;
    private final List<String> changes = new ArrayList<>();
    private VolumeManager manager;

    /** Opens a manager on the data dir as a brick start does; the one opened before is closed first (a restart). */
    private VolumeManager open() throws Exception {
        if (manager != null) {
            manager.close();
        }
        Subsystem subsystem = new Subsystem("nqn.2026-01.io.basalt:subsystem:test", "SN", "Basalt", "0.1");
        subsystem.onNamespaceChange((nsid, before, after) -> changes.add(nsid + ":" + (before == null ? "-"
                : Hosts.format(ExportedAccess.recorded(before))) + ">"
                + (after == null ? "-" : Hosts.format(ExportedAccess.recorded(after)))));
        VolumeCatalog catalog = VolumeCatalog.load(dir);
        manager = new VolumeManager(catalog, QosPolicyStore.load(dir), subsystem, null,
                new EnginePool(dir, List.of(dir.resolve("pool.img"))), StoreChain.NONE);
        for (VolumeMetadata v : catalog.all()) {
            manager.export(v);
        }
        return manager;
    }

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    private static CreateRequest request(String name, long size, HostList hosts) {
        return new CreateRequest(name, size, 4096, Backend.FILE, hosts, Map.of("team", "db"), null);
    }

    @Test
    void shouldCreateGrowRenameAndDeleteEngineVolumesInThePool() throws Exception {
        VolumeManager m = open();
        m.create(new CreateRequest("e", 1L << 20, 4096, Backend.ENGINE, Hosts.parse("any"), Map.of(), null));
        var pool = m.enginePool().ifOpen();
        assertThat(pool.volumes()).hasSize(1);
        m.resize("e", 2L << 20, false);
        assertThat(m.get("e").store().capacityBytes()).isEqualTo(2L << 20);
        m.rename("e", "f");
        VolumeManager reopened = open();
        assertThat(reopened.get("f").store().capacityBytes()).isEqualTo(2L << 20);
        reopened.delete("f");
        assertThat(reopened.enginePool().ifOpen().volumes()).isEmpty();
    }

    @Test
    void shouldCreateIdempotentlyAndRefuseADifferentSpec() throws Exception {
        VolumeManager m = open();
        Created first = m.create(request("db", 1L << 20, HostList.of(Set.of(HOST_A))));
        Created again = m.create(request("db", 1L << 20, HostList.of(Set.of(HOST_A))));

        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.volume().metadata().uuid()).isEqualTo(first.volume().metadata().uuid());
        assertThat(changes).containsExactly("1:->" + HOST_A);
        assertThatThrownBy(() -> m.create(request("db", 2L << 20, HostList.of(Set.of(HOST_A)))))
                .isInstanceOfSatisfying(VolumeException.class, e -> assertThat(e.kind())
                        .isEqualTo(VolumeException.Kind.CONFLICT));
    }

    @Test
    void shouldKeepEveryChangeAcrossARestart() throws Exception {
        VolumeManager m = open();
        m.putPolicy("gold", new QosLimits(1000, 500, 0, 0, 0));
        m.create(request("db", 1L << 20, Hosts.none()));
        m.resize("db", 4L << 20, false);
        m.allowHost("db", HOST_A);
        m.rename("db", "orders");
        m.setLabels("orders", Map.of("tier", "gold"));
        m.setQosPolicy("orders", "gold");

        VolumeManager reopened = open();
        Volume v = reopened.get("orders");
        assertThat(v.state()).isEqualTo(VolumeState.ONLINE);
        assertThat(v.metadata().sizeBytes()).isEqualTo(4L << 20);
        assertThat(v.store().capacityBytes()).isEqualTo(4L << 20);
        assertThat(v.metadata().hosts().hosts()).containsExactly(HOST_A);
        assertThat(v.metadata().labels()).containsExactly(Map.entry("tier", "gold"));
        assertThat(v.namespace().volume().qos()).isNotNull();
        assertThat(v.namespace().volume().qos().limits().readIops()).isEqualTo(1000);
        assertThat(v.metadata().dataFile()).isEqualTo("db.img");
        assertThat(Files.exists(dir.resolve("volumes/db.img"))).isTrue();
    }

    @Test
    void shouldTellHostsOfAllowRevokeResizeAndDelete() throws Exception {
        VolumeManager m = open();
        m.create(request("db", 1L << 20, HostList.of(Set.of(HOST_A))));
        m.allowHost("db", HOST_B);
        m.revokeHost("db", HOST_A);
        m.resize("db", 2L << 20, false);
        m.delete("db");

        assertThat(changes).hasSize(5);
        assertThat(changes.get(1)).endsWith(">" + String.join(";", new java.util.TreeSet<>(Set.of(HOST_A, HOST_B))));
        assertThat(changes.get(2)).endsWith(">" + HOST_B);
        assertThat(changes.get(4)).isEqualTo("1:" + HOST_B + ">-");
        assertThat(m.list()).isEmpty();
        assertThat(Files.exists(dir.resolve("volumes/db.img"))).isFalse();
        assertThat(Files.exists(dir.resolve("volumes/db.properties"))).isFalse();
    }

    @Test
    void shouldRefuseShrinkWithoutForceAndWhenTheStoreCannot() throws Exception {
        VolumeManager m = open();
        m.create(request("db", 2L << 20, Hosts.none()));
        assertThatThrownBy(() -> m.resize("db", 1L << 20, false)).isInstanceOfSatisfying(VolumeException.class,
                e -> assertThat(e.kind()).isEqualTo(VolumeException.Kind.INVALID));
        assertThatThrownBy(() -> m.resize("db", 1L << 20, true)).isInstanceOfSatisfying(VolumeException.class,
                e -> assertThat(e.kind()).isEqualTo(VolumeException.Kind.UNSUPPORTED));
        assertThat(m.get("db").metadata().sizeBytes()).isEqualTo(2L << 20);
    }

    @Test
    void shouldRefuseBadInputWithReasons() throws Exception {
        VolumeManager m = open();
        assertThatThrownBy(() -> m.create(request("../etc", 1L << 20, Hosts.none())))
                .hasMessageContaining("invalid volume name");
        assertThatThrownBy(() -> m.create(request("x", 1000, Hosts.none()))).hasMessageContaining("multiple");
        assertThatThrownBy(() -> m.allowHost("nope", HOST_A)).isInstanceOfSatisfying(VolumeException.class,
                e -> assertThat(e.kind()).isEqualTo(VolumeException.Kind.NOT_FOUND));
        m.create(request("a", 1L << 20, HostList.any()));
        m.create(request("b", 1L << 20, Hosts.none()));
        assertThatThrownBy(() -> m.allowHost("a", "not-an-nqn")).hasMessageContaining("invalid host NQN");
        assertThatThrownBy(() -> m.revokeHost("a", HOST_A)).hasMessageContaining("open to any host");
        assertThatThrownBy(() -> m.rename("a", "b")).isInstanceOfSatisfying(VolumeException.class,
                e -> assertThat(e.kind()).isEqualTo(VolumeException.Kind.CONFLICT));
        m.putPolicy("p", QosLimits.UNLIMITED);
        m.setQosPolicy("a", "p");
        assertThatThrownBy(() -> m.deletePolicy("p")).hasMessageContaining("used by volume(s) a");
    }

    @Test
    void shouldGiveANewVolumeTheDataFileOfItsNameUnlessARenamedOneHoldsIt() throws Exception {
        VolumeManager m = open();
        m.create(request("db", 1L << 20, Hosts.none()));
        m.rename("db", "old");
        Created fresh = m.create(request("db", 1L << 20, Hosts.none()));
        assertThat(fresh.volume().metadata().dataFile()).isNotEqualTo("db.img").endsWith(".img");
        assertThat(fresh.volume().metadata().nsid()).isEqualTo(2);
    }

    @Test
    void shouldNotGiveADeletedVolumesNsidToTheNextVolumeEvenAfterARestart() throws Exception {
        VolumeManager m = open();
        m.create(request("a", 1L << 20, Hosts.none()));
        int b = m.create(request("b", 1L << 20, Hosts.none())).volume().metadata().nsid();
        m.delete("b");

        int c = m.create(request("c", 1L << 20, Hosts.none())).volume().metadata().nsid();
        m.delete("c");
        VolumeManager restarted = open();
        assertThat(m.online()).as("open() closed the first manager before reopening the data dir").isEmpty();
        int d = restarted.create(request("d", 1L << 20, Hosts.none())).volume().metadata().nsid();

        // A host that cached namespace b must not find another volume under its NSID.
        assertThat(b).isEqualTo(2);
        assertThat(c).isEqualTo(3);
        assertThat(d).isEqualTo(4);
    }
}
