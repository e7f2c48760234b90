package io.basalt.server.volume;

import io.basalt.control.volume.DataDirException;
import io.basalt.control.volume.NsidAllocator;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.server.config.ServeConfig;
import io.basalt.control.volume.VolumeSpec;
import io.basalt.nvmet.subsystem.Subsystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VolumeCatalogTest {
    @TempDir
    Path dataDir;

    private List<VolumeMetadata> reconcile(String... specs) throws DataDirException {
        return VolumeCatalog.load(dataDir).reconcile(List.of(specs).stream().map(VolumeSpec::parse).toList(),
                ServeConfig.defaultVolume());
    }

    @Test
    void shouldGiveNewVolumesConsecutiveNsidsInAnEmptyDataDir() throws DataDirException {
        List<VolumeMetadata> v = reconcile("name=a,size=1GiB", "name=b,size=1GiB", "name=c,size=1GiB");

        assertThat(v).extracting(VolumeMetadata::nsid).containsExactly(1, 2, 3);
        assertThat(v).extracting(VolumeMetadata::uuid).doesNotHaveDuplicates();
    }

    @Test
    void shouldKeepNsidsAndUuidsAcrossRestarts() throws DataDirException {
        List<VolumeMetadata> first = reconcile("name=a,size=1GiB,hosts=any", "name=b,size=1GiB");

        List<VolumeMetadata> second = reconcile("name=b,size=1GiB", "name=a,size=1GiB,hosts=any");

        assertThat(second).extracting(VolumeMetadata::name).containsExactly("b", "a");
        assertThat(second.get(0)).isEqualTo(first.get(1));
        assertThat(second.get(1)).isEqualTo(first.get(0));
    }

    @Test
    void shouldNotReuseTheNsidOfAnUnconfiguredVolume() throws DataDirException {
        reconcile("name=a,size=1GiB", "name=b,size=1GiB");

        List<VolumeMetadata> v = reconcile("name=b,size=1GiB", "name=c,size=1GiB");

        // a still holds NSID 1 on disk, so c must not take it: a host could confuse the two.
        assertThat(v).extracting(VolumeMetadata::nsid).containsExactly(2, 3);
        assertThat(VolumeCatalog.load(dataDir).get("a").nsid()).isEqualTo(1);
    }

    @Test
    void shouldNotGiveADeletedVolumesNsidToANewlyConfiguredOneAfterARestart() throws DataDirException {
        reconcile("name=a,size=1GiB", "name=b,size=1GiB");
        VolumeCatalog.load(dataDir).delete("b");

        List<VolumeMetadata> v = reconcile("name=a,size=1GiB", "name=c,size=1GiB");

        assertThat(v).extracting(VolumeMetadata::nsid).containsExactly(1, 3);
    }

    @Test
    void shouldGrowAVolume() throws DataDirException {
        VolumeMetadata before = reconcile("name=a,size=1GiB").getFirst();

        VolumeMetadata after = reconcile("name=a,size=2GiB").getFirst();

        assertThat(after.sizeBytes()).isEqualTo(2L << 30);
        assertThat(after.uuid()).isEqualTo(before.uuid());
        assertThat(VolumeCatalog.load(dataDir).get("a").sizeBytes()).isEqualTo(2L << 30);
    }

    @Test
    void shouldRejectShrinkingAVolume() throws DataDirException {
        reconcile("name=a,size=2GiB");

        assertThatThrownBy(() -> reconcile("name=a,size=1GiB"))
                .isInstanceOf(DataDirException.class)
                .hasMessage("volume a is 2 GiB; it cannot shrink to 1 GiB (data would be lost)");
    }

    @Test
    void shouldRejectChangingTheBlockSizeOrBackend() throws DataDirException {
        reconcile("name=a,size=1GiB");

        assertThatThrownBy(() -> reconcile("name=a,size=1GiB,block-size=512"))
                .hasMessageContaining("volume a has 4096-byte blocks; it cannot change to 512");
        assertThatThrownBy(() -> reconcile("name=a,size=1GiB,backend=ram"))
                .hasMessageContaining("volume a uses the engine backend; it cannot change to ram");
    }

    @Test
    void shouldWriteNothingWhenAnyVolumeIsRefused() throws DataDirException {
        reconcile("name=a,size=2GiB");

        assertThatThrownBy(() -> reconcile("name=new,size=1GiB", "name=a,size=1GiB"))
                .isInstanceOf(DataDirException.class);

        assertThat(VolumeCatalog.load(dataDir).get("new")).isNull();
    }

    @Test
    void shouldIssueNoNsidWhenTheConfiguredVolumesDoNotFit() {
        String[] tooMany = java.util.stream.IntStream.rangeClosed(0, Subsystem.MAX_NAMESPACES)
                .mapToObj(i -> "name=v" + i + ",size=1MiB").toArray(String[]::new);

        assertThatThrownBy(() -> reconcile(tooMany)).isInstanceOf(DataDirException.class)
                .hasMessage("no NSID left for volume v" + Subsystem.MAX_NAMESPACES + ": the brick has "
                        + Subsystem.MAX_NAMESPACES + " volumes");

        assertThat(dataDir.resolve(NsidAllocator.FILE_NAME)).as("no NSID recorded as issued").doesNotExist();
    }

    @Test
    void shouldKeepButNotExportVolumesLeftOutOfTheConfiguration() throws DataDirException, IOException {
        reconcile("name=a,size=1GiB", "name=b,size=1GiB");

        List<VolumeMetadata> v = reconcile("name=b,size=1GiB");

        assertThat(v).extracting(VolumeMetadata::name).containsExactly("b");
        assertThat(VolumeCatalog.load(dataDir).all()).extracting(VolumeMetadata::name).containsExactly("a", "b");
        assertThat(Files.exists(dataDir.resolve("volumes/a.properties"))).isTrue();
    }

    @Test
    void shouldCreateTheDefaultVolumeInAnEmptyDataDir() throws DataDirException {
        List<VolumeMetadata> v = reconcile();

        assertThat(v).hasSize(1);
        assertThat(v.getFirst().name()).isEqualTo("vol1");
        assertThat(v.getFirst().hosts().isAny()).isTrue();
    }

    @Test
    void shouldExportThePreviousVolumesWhenNoneAreConfigured() throws DataDirException {
        String host = "nqn.2014-08.org.nvmexpress:uuid:11111111-1111-1111-1111-111111111111";
        reconcile("name=z,size=1GiB,hosts=" + host, "name=y,size=1GiB,hosts=any");

        List<VolumeMetadata> v = reconcile();

        assertThat(v).extracting(VolumeMetadata::name).containsExactly("z", "y");
        assertThat(v.getFirst().hosts().hosts()).containsExactly(host);
        assertThat(VolumeCatalog.load(dataDir).get("vol1")).isNull();
    }

    @Test
    void shouldReportDamagedMetadata() throws IOException, DataDirException {
        reconcile("name=a,size=1GiB");
        Path file = dataDir.resolve("volumes/a.properties");
        Files.writeString(file, Files.readString(file).replace("nsid=1", "nsid=x"));

        assertThatThrownBy(() -> VolumeCatalog.load(dataDir)).isInstanceOf(DataDirException.class)
                .hasMessageContaining("a.properties is damaged");
    }

    @Test
    void shouldRefuseTwoVolumesClaimingOneNsid() throws IOException, DataDirException {
        reconcile("name=a,size=1GiB", "name=b,size=1GiB");
        Path b = dataDir.resolve("volumes/b.properties");
        Files.writeString(b, Files.readString(b).replace("nsid=2", "nsid=1"));

        assertThatThrownBy(() -> VolumeCatalog.load(dataDir)).isInstanceOf(DataDirException.class)
                .hasMessageContaining("both claim NSID 1");
    }

    @Test
    void shouldPutFileDataNextToTheMetadata() throws DataDirException {
        assertThat(VolumeCatalog.load(dataDir).dataFile("a")).isEqualTo(dataDir.resolve("volumes/a.img"));
    }
}
