package io.basalt.server.volume;

import io.basalt.control.MetadataEvent;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.local.LocalMetadataStore;
import io.basalt.volume.qos.QosLimits;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.server.config.ServeConfig;
import io.basalt.control.volume.VolumeSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The catalog and the QoS policies are views of one MetadataStore, not copies beside it. */
class VolumeCatalogStoreTest {
    @TempDir
    Path dataDir;

    @Test
    void shouldSeeWhatAnotherWriterRecordsInTheStore() throws Exception {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            VolumeCatalog catalog = VolumeCatalog.load(store, dataDir);
            VolumeCatalog other = VolumeCatalog.load(store, dataDir);

            other.reconcile(List.of(VolumeSpec.parse("name=a,size=1GiB")), ServeConfig.defaultVolume());
            other.delete("a");
            other.reconcile(List.of(VolumeSpec.parse("name=b,size=1GiB")), ServeConfig.defaultVolume());

            assertThat(catalog.all()).extracting(VolumeMetadata::name).containsExactly("b");
            assertThat(catalog.allocateNsid()).as("the NSID record is shared too").isEqualTo(3);
        }
    }

    @Test
    void shouldRecordEveryChangeAsAWatchableStoreChange() throws Exception {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            VolumeCatalog catalog = VolumeCatalog.load(store, dataDir);
            QosPolicyStore policies = QosPolicyStore.load(store);
            BlockingQueue<MetadataEvent> seen = new LinkedBlockingQueue<>();
            store.watch("", store.revision(), seen::add);

            catalog.reconcile(List.of(VolumeSpec.parse("name=a,size=1GiB")), ServeConfig.defaultVolume());
            policies.put("gold", new QosLimits(100, 0, 0, 0, 0));

            assertThat(List.of(poll(seen), poll(seen), poll(seen))).extracting(MetadataEvent::key)
                    .containsExactly(MetadataKeys.NSIDS, "volumes/a", "qos-policies/gold");
        }
    }

    private static MetadataEvent poll(BlockingQueue<MetadataEvent> q) throws InterruptedException {
        MetadataEvent e = q.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("a change delivered in time").isNotNull();
        return e;
    }
}
