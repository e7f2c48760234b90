package io.basalt.server.volume;

import io.basalt.control.MetadataKeys;
import io.basalt.control.volume.CreateRequest;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.engine.pool.EngineBlockStore;
import io.basalt.control.volume.Backend;
import io.basalt.control.volume.Hosts;
import io.basalt.volume.chain.StoreChain;
import io.basalt.nvmet.subsystem.Subsystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The volume records are the one truth about which volumes exist; the engine pool follows them. */
class PoolOwnershipTest {
    @TempDir
    Path dir;
    private final List<String> events = new ArrayList<>();
    private VolumeManager manager;

    /** Opens a manager on the data dir as a brick start does, closing the one before (a restart). */
    private VolumeManager open() throws Exception {
        return open(dir.resolve("pool.img"));
    }

    private VolumeManager open(Path poolFile) throws Exception {
        if (manager != null) {
            manager.close();
        }
        VolumeCatalog catalog = VolumeCatalog.load(dir);
        manager = new VolumeManager(catalog, QosPolicyStore.load(dir),
                new Subsystem("nqn.2026-01.io.basalt:subsystem:test", "SN", "Basalt", "0.1"),
                (type, volume, message) -> events.add(type + " " + volume), new EnginePool(dir, List.of(poolFile)),
                StoreChain.NONE);
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

    private static CreateRequest engineVolume(String name) {
        return new CreateRequest(name, 1L << 20, 4096, Backend.ENGINE, Hosts.parse("any"), Map.of(), null);
    }

    private List<String> images() throws Exception {
        return manager.enginePool().get().volumes().stream().map(EngineBlockStore::name).sorted().toList();
    }

    @Test
    void shouldFreeAnImageWhoseDeleteWasInterruptedAfterItsRecordWent() throws Exception {
        VolumeManager m = open();
        String gone = m.create(engineVolume("gone")).volume().metadata().uuid().toString();
        // A delete that stopped between its two steps: the record went, the image stayed.
        Files.delete(dir.resolve(MetadataKeys.volume("gone") + ".properties"));

        VolumeManager restarted = open();
        assertThat(restarted.list()).isEmpty();
        String kept = restarted.create(engineVolume("kept")).volume().metadata().uuid().toString();

        assertThat(images()).containsExactly(kept).doesNotContain(gone);
        assertThat(events).contains("pool.image-freed " + gone);
    }

    @Test
    void shouldFreeTheImageOfADeletedVolumeAndNotBringItBackOnRestart() throws Exception {
        VolumeManager m = open();
        m.create(engineVolume("a"));
        m.delete("a");
        VolumeManager restarted = open();
        assertThat(restarted.list()).isEmpty();
        restarted.create(engineVolume("b"));
        assertThat(images()).hasSize(1);
    }

    @Test
    void shouldAdoptThePoolOfADataDirWrittenBeforeTheRecordExistedAndKeepWhatNoRecordNames() throws Exception {
        VolumeManager m = open();
        String orphan = m.create(engineVolume("orphan")).volume().metadata().uuid().toString();
        m.close();
        manager = null;
        // As a data dir from before the pool record: no record, and an image no volume names.
        Files.delete(dir.resolve(MetadataKeys.POOL + ".properties"));
        Files.delete(dir.resolve(MetadataKeys.volume("orphan") + ".properties"));

        VolumeManager restarted = open();
        String fresh = restarted.create(engineVolume("fresh")).volume().metadata().uuid().toString();
        assertThat(images()).containsExactlyInAnyOrder(orphan, fresh);
        assertThat(events).noneMatch(e -> e.startsWith("pool.image-freed"));
        assertThat(dir.resolve(MetadataKeys.POOL + ".properties")).exists();
    }

    @Test
    void shouldRefuseAPoolThatIsNotTheOneTheDataDirRecorded() throws Exception {
        open().create(engineVolume("a"));

        assertThatThrownBy(() -> open(dir.resolve("other-pool.img"))).hasMessageContaining("belong to another data dir");
        // The data dir's own pool still opens, and its volume with it.
        VolumeManager back = open();
        assertThat(back.get("a").store()).isNotNull();
    }
}
