package io.basalt.server.csi;

import csi.v1.CapacityRange;
import csi.v1.CreateSnapshotRequest;
import csi.v1.CreateVolumeRequest;
import csi.v1.DeleteSnapshotRequest;
import csi.v1.DeleteVolumeRequest;
import csi.v1.ListSnapshotsRequest;
import csi.v1.ListSnapshotsResponse;
import csi.v1.Snapshot;
import csi.v1.Volume;
import csi.v1.VolumeContentSource;
import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.basalt.server.csi.CsiControllerTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * CSI snapshots and clones over the plugin's socket against a live brick: snapshots taken, found
 * and listed page by page, volumes restored from a snapshot and cloned from a volume, each
 * checked in the brick's REST API.
 */
class CsiSnapshotTest {
    private static final long MIB = 1L << 20;
    @TempDir
    Path dir;
    private CsiFixture f;

    @BeforeEach
    void start() throws Exception {
        f = CsiFixture.start(dir);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private Volume volume(String name, long bytes) {
        return f.controller.createVolume(CreateVolumeRequest.newBuilder().setName(name)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes))
                .addVolumeCapabilities(CsiFixture.mountWriter()).build()).getVolume();
    }

    private Snapshot snapshot(String name, String volumeId) {
        return f.controller.createSnapshot(CreateSnapshotRequest.newBuilder().setName(name)
                .setSourceVolumeId(volumeId).build()).getSnapshot();
    }

    @Test
    void shouldTakeASnapshotOnceByNameAndRefuseTheNameForAnotherVolume() throws Exception {
        Volume db = volume("db", 2 * MIB);
        Snapshot s = snapshot("snap-1", db.getVolumeId());
        assertThat(s.getSnapshotId()).isEqualTo(db.getVolumeId() + "@snap-1");
        assertThat(s.getSourceVolumeId()).isEqualTo(db.getVolumeId());
        assertThat(s.getSizeBytes()).isEqualTo(2 * MIB);
        assertThat(s.getReadyToUse()).isTrue();
        assertThat(s.getCreationTime().getSeconds()).isPositive();
        assertThat(f.api.get("/api/v1/volumes/db/snapshots/snap-1").json().get("name").asText()).isEqualTo("snap-1");
        assertThat(snapshot("snap-1", db.getVolumeId())).as("idempotent by name").isEqualTo(s);

        Volume other = volume("other", MIB);
        assertCode(Status.Code.ALREADY_EXISTS, () -> snapshot("snap-1", other.getVolumeId()));
        assertCode(Status.Code.NOT_FOUND, () -> snapshot("snap-2", "00000000-0000-0000-0000-000000000000"));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> snapshot("", db.getVolumeId()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> snapshot("snap-3", ""));

        assertCode(Status.Code.FAILED_PRECONDITION, () -> f.controller.deleteVolume(DeleteVolumeRequest.newBuilder()
                .setVolumeId(db.getVolumeId()).build()));
        assertThat(f.api.get("/api/v1/volumes/db").status()).as("a volume with snapshots stays").isEqualTo(200);

        f.controller.deleteSnapshot(DeleteSnapshotRequest.newBuilder().setSnapshotId(s.getSnapshotId()).build());
        assertThat(f.api.get("/api/v1/volumes/db/snapshots").json()).isEmpty();
        f.controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(db.getVolumeId()).build());
        f.controller.deleteSnapshot(DeleteSnapshotRequest.newBuilder().setSnapshotId(s.getSnapshotId()).build());
        f.controller.deleteSnapshot(DeleteSnapshotRequest.newBuilder().setSnapshotId("no-such-snapshot").build());
        assertCode(Status.Code.INVALID_ARGUMENT, () -> f.controller.deleteSnapshot(DeleteSnapshotRequest.getDefaultInstance()));
    }

    @Test
    void shouldListSnapshotsByIdBySourceAndPageByPage() {
        Volume a = volume("a", MIB);
        Volume b = volume("b", MIB);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(snapshot("a-" + i, a.getVolumeId()).getSnapshotId());
        }
        ids.add(snapshot("b-0", b.getVolumeId()).getSnapshotId());

        List<String> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListSnapshotsResponse page = f.controller.listSnapshots(ListSnapshotsRequest.newBuilder().setMaxEntries(3)
                    .setStartingToken(token).build());
            page.getEntriesList().forEach(e -> seen.add(e.getSnapshot().getSnapshotId()));
            token = page.getNextToken();
            pages++;
        } while (!token.isEmpty() && pages < 10);
        assertThat(pages).isEqualTo(2);
        assertThat(seen).containsExactlyElementsOf(ids);

        assertThat(f.controller.listSnapshots(ListSnapshotsRequest.newBuilder().setSourceVolumeId(b.getVolumeId())
                .build()).getEntriesList()).extracting(e -> e.getSnapshot().getSnapshotId()).containsExactly(ids.get(3));
        assertThat(f.controller.listSnapshots(ListSnapshotsRequest.newBuilder().setSnapshotId(ids.get(1))
                .build()).getEntriesList()).extracting(e -> e.getSnapshot().getSourceVolumeId())
                .containsExactly(a.getVolumeId());
        assertThat(f.controller.listSnapshots(ListSnapshotsRequest.newBuilder().setSnapshotId("nothing@here")
                .build()).getEntriesList()).isEmpty();
        assertThat(f.controller.listSnapshots(ListSnapshotsRequest.newBuilder()
                .setSourceVolumeId("00000000-0000-0000-0000-000000000000").build()).getEntriesList()).isEmpty();
        assertCode(Status.Code.ABORTED, () -> f.controller.listSnapshots(ListSnapshotsRequest.newBuilder()
                .setStartingToken("bogus").build()));
    }

    @Test
    void shouldRestoreASnapshotAndCloneAVolumeAndRefuseAMissingSource() throws Exception {
        Volume db = volume("db", 2 * MIB);
        Snapshot s = snapshot("nightly", db.getVolumeId());
        VolumeContentSource fromSnapshot = VolumeContentSource.newBuilder().setSnapshot(
                VolumeContentSource.SnapshotSource.newBuilder().setSnapshotId(s.getSnapshotId())).build();

        Volume restored = f.controller.createVolume(CreateVolumeRequest.newBuilder().setName("restored")
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(MIB))
                .addVolumeCapabilities(CsiFixture.mountWriter()).setVolumeContentSource(fromSnapshot).build()).getVolume();
        assertThat(restored.getCapacityBytes()).as("at least the snapshot's size").isEqualTo(2 * MIB);
        assertThat(restored.getContentSource()).isEqualTo(fromSnapshot);
        assertThat(f.api.get("/api/v1/volumes/" + restored.getVolumeId()).json().get("name").asText()).isEqualTo("restored");
        assertThat(f.controller.createVolume(CreateVolumeRequest.newBuilder().setName("restored")
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(MIB))
                .addVolumeCapabilities(CsiFixture.mountWriter()).setVolumeContentSource(fromSnapshot).build())
                .getVolume().getVolumeId()).as("idempotent").isEqualTo(restored.getVolumeId());

        Volume bigger = f.controller.createVolume(CreateVolumeRequest.newBuilder().setName("bigger")
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(4 * MIB))
                .addVolumeCapabilities(CsiFixture.mountWriter()).setVolumeContentSource(fromSnapshot).build()).getVolume();
        assertThat(bigger.getCapacityBytes()).isEqualTo(4 * MIB);

        VolumeContentSource fromVolume = VolumeContentSource.newBuilder().setVolume(
                VolumeContentSource.VolumeSource.newBuilder().setVolumeId(db.getVolumeId())).build();
        Volume clone = f.controller.createVolume(CreateVolumeRequest.newBuilder().setName("clone")
                .addVolumeCapabilities(CsiFixture.mountWriter()).setVolumeContentSource(fromVolume).build()).getVolume();
        assertThat(clone.getCapacityBytes()).isEqualTo(2 * MIB);
        assertThat(clone.getContentSource()).isEqualTo(fromVolume);
        assertThat(f.api.get("/api/v1/volumes/db/snapshots").json()).as("the clone's own snapshot is gone")
                .extracting(n -> n.get("name").asText()).containsExactly("nightly");

        assertCode(Status.Code.OUT_OF_RANGE, () -> f.controller.createVolume(CreateVolumeRequest.newBuilder()
                .setName("too-small").setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(MIB).setLimitBytes(MIB))
                .addVolumeCapabilities(CsiFixture.mountWriter()).setVolumeContentSource(fromSnapshot).build()));
        assertCode(Status.Code.NOT_FOUND, () -> f.controller.createVolume(CreateVolumeRequest.newBuilder()
                .setName("orphan").addVolumeCapabilities(CsiFixture.mountWriter())
                .setVolumeContentSource(VolumeContentSource.newBuilder().setSnapshot(VolumeContentSource.SnapshotSource
                        .newBuilder().setSnapshotId(db.getVolumeId() + "@missing"))).build()));
        assertCode(Status.Code.NOT_FOUND, () -> f.controller.createVolume(CreateVolumeRequest.newBuilder()
                .setName("orphan").addVolumeCapabilities(CsiFixture.mountWriter())
                .setVolumeContentSource(VolumeContentSource.newBuilder().setVolume(VolumeContentSource.VolumeSource
                        .newBuilder().setVolumeId("00000000-0000-0000-0000-000000000000"))).build()));
        assertThat(f.api.get("/api/v1/volumes?name=orphan").json().get("items")).isEmpty();
    }
}
