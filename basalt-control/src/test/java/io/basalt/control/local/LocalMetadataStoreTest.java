package io.basalt.control.local;

import io.basalt.control.CompactedRevisionException;
import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreContract;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.Watch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The local store's own behaviour: today's files, its layout, its in-memory revisions; the rest is the contract. */
class LocalMetadataStoreTest extends MetadataStoreContract {
    @TempDir
    Path dataDir;

    @Override
    protected MetadataStore open() throws MetadataStoreException {
        return LocalMetadataStore.openDataDir(dataDir);
    }

    /** A volume file as the brick before the MetadataStore wrote it (comment, date line and all). */
    private static final String OLD_VOLUME_FILE = """
            #Basalt volume: NSID and UUID must never change
            #Sat Nov 01 10:00:00 UTC 2026
            backend=engine
            block-size=4096
            hosts=any
            name=db1
            nsid=3
            size-bytes=1073741824
            uuid=5f0c6c2e-8f0a-4c55-9d4e-0c7d2b1f7a10
            """;

    @Test
    void shouldOpenADataDirWrittenBeforeTheStoreUnchanged() throws IOException, MetadataStoreException {
        Files.createDirectories(dataDir.resolve("volumes"));
        Files.writeString(dataDir.resolve("volumes/db1.properties"), OLD_VOLUME_FILE);
        Files.createDirectories(dataDir.resolve("qos-policies"));
        Files.writeString(dataDir.resolve("qos-policies/gold.properties"), "read-iops=1000\n");
        Files.writeString(dataDir.resolve("nsids.properties"), "last-issued=7\n");
        Files.writeString(dataDir.resolve("brick.properties"), "not=mine\n");

        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            assertThat(store.get("volumes/db1")).get().extracting(e -> e.field("nsid")).isEqualTo("3");
            assertThat(store.get("qos-policies/gold")).get().extracting(e -> e.field("read-iops")).isEqualTo("1000");
            assertThat(store.get(MetadataKeys.NSIDS)).get().extracting(e -> e.field("last-issued")).isEqualTo("7");
            assertThat(store.list("").entries()).extracting(MetadataEntry::key)
                    .containsExactly("nsids", "qos-policies/gold", "volumes/db1");
            assertThat(store.revision()).isEqualTo(3);
        }
        assertThat(Files.readString(dataDir.resolve("volumes/db1.properties"))).as("opening writes nothing")
                .isEqualTo(OLD_VOLUME_FILE);
    }

    @Test
    void shouldWriteTodaysFileFormat() throws IOException, MetadataStoreException {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            store.put("volumes/db1", Map.of("name", "db1", "nsid", "3"), MetadataStore.ABSENT);
            store.put("qos-policies/gold", Map.of("read-iops", "5"), MetadataStore.ABSENT);
        }

        Path volume = dataDir.resolve("volumes/db1.properties");
        assertThat(Files.readString(volume)).startsWith("#Basalt volume: NSID and UUID must never change\n");
        Properties p = AtomicFiles.readProperties(volume);
        assertThat(p).containsEntry("name", "db1").containsEntry("nsid", "3").hasSize(2);
        assertThat(Files.readString(dataDir.resolve("qos-policies/gold.properties")))
                .startsWith("#Basalt QoS policy gold (0 = unlimited)\n");
    }

    @Test
    void shouldRefuseKeysOutsideItsLayout() throws MetadataStoreException {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            assertThatThrownBy(() -> store.put("elsewhere/x", Map.of(), MetadataStore.ANY))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.put("volumes/.hidden", Map.of(), MetadataStore.ANY))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldRefuseToWatchFromBeforeWhatItRemembers() throws MetadataStoreException {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            store.put("volumes/a", Map.of(), MetadataStore.ABSENT);
        }
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            // Revisions restart with the process: the entries found on disk are not changes to replay.
            assertThatThrownBy(() -> store.watch(MetadataKeys.VOLUMES, 0, e -> { }))
                    .isInstanceOf(CompactedRevisionException.class);
            for (int i = 0; i <= LocalMetadataStore.HISTORY; i++) {
                store.put("volumes/b", Map.of("i", Integer.toString(i)), MetadataStore.ANY);
            }
            assertThatThrownBy(() -> store.watch(MetadataKeys.VOLUMES, 1, e -> { }))
                    .isInstanceOf(CompactedRevisionException.class);
            store.watch(MetadataKeys.VOLUMES, 2, e -> { }).close();
        }
    }

    @Test
    void shouldNameTheFileOfAKey() throws MetadataStoreException {
        try (MetadataStore store = LocalMetadataStore.openDataDir(dataDir)) {
            assertThat(store.locate("volumes/a")).isEqualTo(dataDir.resolve("volumes/a.properties").toString());
            assertThat(store.locate("volumes/.odd")).as("a file found on disk is named whatever its name")
                    .isEqualTo(dataDir.resolve("volumes/.odd.properties").toString());
        }
    }
}
