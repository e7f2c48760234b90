package io.basalt.server.csi;

import com.fasterxml.jackson.databind.JsonNode;
import csi.v1.CapacityRange;
import csi.v1.ControllerExpandVolumeRequest;
import csi.v1.ControllerExpandVolumeResponse;
import csi.v1.ControllerGetCapabilitiesRequest;
import csi.v1.ControllerGetVolumeRequest;
import csi.v1.ControllerGetVolumeResponse;
import csi.v1.ControllerPublishVolumeRequest;
import csi.v1.ControllerServiceCapability;
import csi.v1.ControllerUnpublishVolumeRequest;
import csi.v1.CreateVolumeRequest;
import csi.v1.DeleteVolumeRequest;
import csi.v1.GetCapacityRequest;
import csi.v1.GetCapacityResponse;
import csi.v1.ListVolumesRequest;
import csi.v1.ListVolumesResponse;
import csi.v1.Topology;
import csi.v1.TopologyRequirement;
import csi.v1.ValidateVolumeCapabilitiesRequest;
import csi.v1.ValidateVolumeCapabilitiesResponse;
import csi.v1.Volume;
import csi.v1.VolumeCapability;
import csi.v1.VolumeCapability.AccessMode.Mode;
import io.basalt.csi.rpc.FailureDomains;
import io.basalt.csi.rpc.Zone;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CSI Controller service over its Unix socket against a live brick: volumes created, found,
 * published to nodes, listed, grown and deleted, with the gRPC code the CSI spec names for each
 * refusal. What the plugin did is checked in the brick's own REST API, not only in its answers.
 */
class CsiControllerTest {
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

    static void assertCode(Status.Code code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).as(String.valueOf(e.getStatus().getDescription())).isEqualTo(code));
    }

    private static CreateVolumeRequest.Builder create(String name, long required) {
        return CreateVolumeRequest.newBuilder().setName(name)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(required))
                .addVolumeCapabilities(CsiFixture.mountWriter());
    }

    private Volume createVolume(String name, long required) {
        return f.controller.createVolume(create(name, required).build()).getVolume();
    }

    private JsonNode apiVolume(String id) throws Exception {
        return f.api.get("/api/v1/volumes/" + id).json();
    }

    @Test
    void shouldCreateAVolumeRoundedUpToItsBlockSizeAndAnswerARetryWithTheSameVolume() throws Exception {
        Volume v = createVolume("pvc-data", MIB + 1);
        assertThat(v.getCapacityBytes()).as("rounded up to 4 KiB blocks").isEqualTo(MIB + 4096);
        JsonNode inApi = apiVolume(v.getVolumeId());
        assertThat(inApi.get("name").asText()).isEqualTo("pvc-data");
        assertThat(inApi.get("uuid").asText()).as("the volume id is the API's UUID").isEqualTo(v.getVolumeId());
        assertThat(inApi.get("hosts")).as("no node sees it before it is published").isEmpty();
        assertThat(v.getAccessibleTopologyList()).containsExactly(new Zone(Zone.DEFAULT).topology());

        assertThat(createVolume("pvc-data", MIB + 1).getVolumeId()).as("idempotent by name").isEqualTo(v.getVolumeId());
        assertThat(f.controller.createVolume(create("pvc-data", MIB).setCapacityRange(CapacityRange.newBuilder()
                .setRequiredBytes(MIB).setLimitBytes(2 * MIB)).build()).getVolume().getVolumeId())
                .as("a range the volume's size fits is the same volume").isEqualTo(v.getVolumeId());
        assertCode(Status.Code.ALREADY_EXISTS, () -> createVolume("pvc-data", 8 * MIB));
        assertCode(Status.Code.ALREADY_EXISTS, () -> f.controller.createVolume(create("pvc-data", MIB + 1)
                .putParameters("compression", "zstd").build()));
    }

    @Test
    void shouldHonourTheLimitAndTheStorageClassParameters() throws Exception {
        Volume small = f.controller.createVolume(CreateVolumeRequest.newBuilder().setName("limited")
                .setCapacityRange(CapacityRange.newBuilder().setLimitBytes(3 * MIB + 100))
                .addVolumeCapabilities(CsiFixture.mountWriter()).build()).getVolume();
        assertThat(small.getCapacityBytes()).as("no required size: the default, capped by the limit in whole blocks")
                .isEqualTo(3 * MIB);
        assertCode(Status.Code.OUT_OF_RANGE, () -> f.controller.createVolume(create("tight", MIB + 1)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(MIB + 1).setLimitBytes(MIB + 2)).build()));

        Volume v = f.controller.createVolume(create("tuned", MIB).putParameters("compression", "zstd")
                .putParameters("dedup", "true").putParameters("blockSize", "512").putParameters("replicas", "1")
                .putParameters("csi.storage.k8s.io/pvc/name", "data").build()).getVolume();
        JsonNode inApi = apiVolume(v.getVolumeId());
        assertThat(inApi.get("services").get("compression").asText()).isEqualTo("zstd");
        assertThat(inApi.get("services").get("dedup").asBoolean()).isTrue();
        assertThat(inApi.get("blockSize").asInt()).isEqualTo(512);
        assertThat(inApi.get("labels").get("csi.storage.k8s.io/pvc/name").asText()).as("the claim's name as a label")
                .isEqualTo("data");

        for (Map<String, String> bad : List.of(Map.of("compression", "gzip"), Map.of("blockSize", "1000"),
                Map.of("dedup", "maybe"), Map.of("replicas", "0"), Map.of("replicas", "3"), Map.of("colour", "red"))) {
            assertCode(Status.Code.INVALID_ARGUMENT, () -> f.controller.createVolume(create("bad", MIB)
                    .putAllParameters(bad).build()));
        }
        assertCode(Status.Code.INVALID_ARGUMENT, () -> f.controller.createVolume(create("", MIB).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> f.controller.createVolume(create("nocaps", MIB)
                .clearVolumeCapabilities().build()));
        assertCode(Status.Code.RESOURCE_EXHAUSTED, () -> f.controller.createVolume(create("elsewhere", MIB)
                .setAccessibilityRequirements(TopologyRequirement.newBuilder().addRequisite(
                        Topology.newBuilder().putSegments(Zone.KEY, "zone-b"))).build()));
        assertThat(f.api.get("/api/v1/volumes?name=bad").json().get("items")).as("nothing made by a refusal").isEmpty();
    }

    @Test
    void shouldMapALongNameToAStableApiName() {
        String name = "a-name-the-api-would-refuse/" + "x".repeat(80);
        Volume v = createVolume(name, MIB);
        assertThat(createVolume(name, MIB).getVolumeId()).isEqualTo(v.getVolumeId());
        assertThat(v.getVolumeContextMap().get("basalt.io/volume")).startsWith("csi-").hasSize(44);
    }

    @Test
    void shouldDeleteIdempotently() throws Exception {
        Volume v = createVolume("doomed", MIB);
        f.controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(v.getVolumeId()).build());
        assertThat(f.api.get("/api/v1/volumes?name=doomed").json().get("items")).isEmpty();
        f.controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(v.getVolumeId()).build());
        f.controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("not-a-volume-id").build());
        assertCode(Status.Code.INVALID_ARGUMENT, () -> f.controller.deleteVolume(DeleteVolumeRequest.getDefaultInstance()));
    }

    private ControllerPublishVolumeRequest publish(String volumeId, String node, VolumeCapability cap) {
        return ControllerPublishVolumeRequest.newBuilder().setVolumeId(volumeId).setNodeId(node)
                .setVolumeCapability(cap).build();
    }

    @Test
    void shouldPublishToANodeByAllowingItsHostNqnAndUnpublishByRevokingIt() throws Exception {
        Volume v = createVolume("shared", MIB);
        Map<String, String> ctx = f.controller.controllerPublishVolume(publish(v.getVolumeId(), CsiFixture.NODE_A,
                CsiFixture.mountWriter())).getPublishContextMap();
        assertThat(ctx).containsEntry("subsystemNqn", f.brick.identity().subsystemNqn())
                .containsEntry("targets", "127.0.0.1:" + f.brick.ioAddress().getPort())
                .containsEntry("uuid", v.getVolumeId())
                .containsEntry("nsid", Integer.toString(apiVolume(v.getVolumeId()).get("nsid").asInt()));
        assertThat(apiVolume(v.getVolumeId()).get("hosts").toString()).isEqualTo("[\"" + CsiFixture.NODE_A + "\"]");
        assertThat(f.controller.controllerPublishVolume(publish(v.getVolumeId(), CsiFixture.NODE_A,
                CsiFixture.mountWriter())).getPublishContextMap()).as("idempotent").isEqualTo(ctx);

        assertCode(Status.Code.FAILED_PRECONDITION, () -> f.controller.controllerPublishVolume(publish(v.getVolumeId(),
                CsiFixture.NODE_B, CsiFixture.mountWriter())));
        f.controller.controllerPublishVolume(publish(v.getVolumeId(), CsiFixture.NODE_B,
                CsiFixture.block(Mode.MULTI_NODE_MULTI_WRITER)));
        ControllerGetVolumeResponse got = f.controller.controllerGetVolume(ControllerGetVolumeRequest.newBuilder()
                .setVolumeId(v.getVolumeId()).build());
        assertThat(got.getStatus().getPublishedNodeIdsList()).containsExactlyInAnyOrder(CsiFixture.NODE_A, CsiFixture.NODE_B);
        assertThat(got.getStatus().getVolumeCondition().getAbnormal()).isFalse();
        assertThat(got.getVolume().getCapacityBytes()).isEqualTo(MIB);

        assertCode(Status.Code.NOT_FOUND, () -> f.controller.controllerPublishVolume(publish(v.getVolumeId(),
                "some-fake-node-id", CsiFixture.mountWriter())));
        assertCode(Status.Code.NOT_FOUND, () -> f.controller.controllerPublishVolume(publish(
                "00000000-0000-0000-0000-000000000000", CsiFixture.NODE_A, CsiFixture.mountWriter())));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> f.controller.controllerPublishVolume(publish(v.getVolumeId(),
                CsiFixture.NODE_A, CsiFixture.mountWriter()).toBuilder().clearVolumeCapability().build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> f.controller.controllerPublishVolume(publish(v.getVolumeId(),
                "", CsiFixture.mountWriter())));

        f.controller.controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                .setVolumeId(v.getVolumeId()).setNodeId(CsiFixture.NODE_A).build());
        assertThat(apiVolume(v.getVolumeId()).get("hosts").toString()).isEqualTo("[\"" + CsiFixture.NODE_B + "\"]");
        f.controller.controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                .setVolumeId(v.getVolumeId()).setNodeId(CsiFixture.NODE_A).build());
        f.controller.controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                .setVolumeId("00000000-0000-0000-0000-000000000000").setNodeId(CsiFixture.NODE_A).build());
        f.controller.controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                .setVolumeId(v.getVolumeId()).build());
        assertThat(apiVolume(v.getVolumeId()).get("hosts")).as("no node named: unpublished from all").isEmpty();
    }

    @Test
    void shouldValidateCapabilities() {
        Volume v = createVolume("checked", MIB);
        ValidateVolumeCapabilitiesResponse ok = f.controller.validateVolumeCapabilities(
                ValidateVolumeCapabilitiesRequest.newBuilder().setVolumeId(v.getVolumeId())
                        .addVolumeCapabilities(CsiFixture.mountWriter())
                        .addVolumeCapabilities(CsiFixture.block(Mode.MULTI_NODE_MULTI_WRITER)).build());
        assertThat(ok.getConfirmed().getVolumeCapabilitiesList()).hasSize(2);
        VolumeCapability sharedMount = CsiFixture.mountWriter().toBuilder().setAccessMode(
                VolumeCapability.AccessMode.newBuilder().setMode(Mode.MULTI_NODE_MULTI_WRITER)).build();
        ValidateVolumeCapabilitiesResponse refused = f.controller.validateVolumeCapabilities(
                ValidateVolumeCapabilitiesRequest.newBuilder().setVolumeId(v.getVolumeId())
                        .addVolumeCapabilities(sharedMount).build());
        assertThat(refused.hasConfirmed()).isFalse();
        assertThat(refused.getMessage()).contains("one writer");
        assertCode(Status.Code.NOT_FOUND, () -> f.controller.validateVolumeCapabilities(
                ValidateVolumeCapabilitiesRequest.newBuilder().setVolumeId("00000000-0000-0000-0000-000000000001")
                        .addVolumeCapabilities(CsiFixture.mountWriter()).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> f.controller.validateVolumeCapabilities(
                ValidateVolumeCapabilitiesRequest.newBuilder().setVolumeId(v.getVolumeId()).build()));
    }

    @Test
    void shouldListEveryVolumeOncePageByPageAndAbortOnABadToken() throws Exception {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(createVolume("list-" + i, MIB).getVolumeId());
        }
        f.controller.controllerPublishVolume(publish(created.get(2), CsiFixture.NODE_A, CsiFixture.mountWriter()));
        List<String> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListVolumesResponse page = f.controller.listVolumes(ListVolumesRequest.newBuilder().setMaxEntries(2)
                    .setStartingToken(token).build());
            assertThat(page.getEntriesCount()).isLessThanOrEqualTo(2);
            for (ListVolumesResponse.Entry e : page.getEntriesList()) {
                seen.add(e.getVolume().getVolumeId());
                if (e.getVolume().getVolumeId().equals(created.get(2))) {
                    assertThat(e.getStatus().getPublishedNodeIdsList()).containsExactly(CsiFixture.NODE_A);
                }
            }
            token = page.getNextToken();
            pages++;
        } while (!token.isEmpty() && pages < 10);
        List<String> inApi = new ArrayList<>();
        f.api.get("/api/v1/volumes?limit=1000").json().get("items").forEach(n -> inApi.add(n.get("uuid").asText()));
        assertThat(inApi).as("the brick's own first volume and ours").hasSize(6).containsAll(created);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).as("every volume exactly once").containsExactlyInAnyOrderElementsOf(inApi);
        assertThat(f.controller.listVolumes(ListVolumesRequest.getDefaultInstance()).getEntriesCount()).isEqualTo(6);
        assertCode(Status.Code.ABORTED, () -> f.controller.listVolumes(ListVolumesRequest.newBuilder()
                .setStartingToken("not a token!").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> f.controller.listVolumes(ListVolumesRequest.newBuilder()
                .setMaxEntries(-1).build()));
    }

    @Test
    void shouldReportCapacityOfItsZoneOnly() throws Exception {
        GetCapacityResponse here = f.controller.getCapacity(GetCapacityRequest.getDefaultInstance());
        assertThat(here.getAvailableCapacity()).isPositive()
                .isEqualTo(f.api.get("/api/v1/brick").json().get("capacity").get("freeBytes").asLong());
        assertThat(here.getMinimumVolumeSize().getValue()).isEqualTo(4096);
        GetCapacityResponse elsewhere = f.controller.getCapacity(GetCapacityRequest.newBuilder()
                .setAccessibleTopology(Topology.newBuilder().putSegments(Zone.KEY, "zone-b")).build());
        assertThat(elsewhere.getAvailableCapacity()).isZero();
        assertCode(Status.Code.INVALID_ARGUMENT, () -> f.controller.getCapacity(GetCapacityRequest.newBuilder()
                .putParameters("compression", "gzip").build()));
    }

    @Test
    void shouldGrowAVolumeOnlineAndNeverShrinkIt() throws Exception {
        Volume v = createVolume("growing", MIB);
        ControllerExpandVolumeResponse grown = f.controller.controllerExpandVolume(ControllerExpandVolumeRequest
                .newBuilder().setVolumeId(v.getVolumeId()).setCapacityRange(CapacityRange.newBuilder()
                        .setRequiredBytes(3 * MIB + 1)).setVolumeCapability(CsiFixture.mountWriter()).build());
        assertThat(grown.getCapacityBytes()).isEqualTo(3 * MIB + 4096);
        assertThat(grown.getNodeExpansionRequired()).as("a file system grows on the node").isTrue();
        assertThat(apiVolume(v.getVolumeId()).get("sizeBytes").asLong()).isEqualTo(3 * MIB + 4096);
        ControllerExpandVolumeResponse again = f.controller.controllerExpandVolume(ControllerExpandVolumeRequest
                .newBuilder().setVolumeId(v.getVolumeId()).setCapacityRange(CapacityRange.newBuilder()
                        .setRequiredBytes(2 * MIB)).setVolumeCapability(CsiFixture.block(Mode.SINGLE_NODE_WRITER)).build());
        assertThat(again.getCapacityBytes()).as("a smaller size is already met").isEqualTo(3 * MIB + 4096);
        assertThat(again.getNodeExpansionRequired()).as("a raw block volume needs nothing on the node").isFalse();
        assertCode(Status.Code.NOT_FOUND, () -> f.controller.controllerExpandVolume(ControllerExpandVolumeRequest
                .newBuilder().setVolumeId("00000000-0000-0000-0000-000000000002").setCapacityRange(
                        CapacityRange.newBuilder().setRequiredBytes(MIB)).build()));
        assertCode(Status.Code.OUT_OF_RANGE, () -> f.controller.controllerExpandVolume(ControllerExpandVolumeRequest
                .newBuilder().setVolumeId(v.getVolumeId()).setCapacityRange(CapacityRange.newBuilder()
                        .setRequiredBytes(8 * MIB + 1).setLimitBytes(8 * MIB + 2)).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> f.controller.controllerExpandVolume(ControllerExpandVolumeRequest
                .newBuilder().setVolumeId(v.getVolumeId()).build()));
    }

    @Test
    void shouldAdvertiseWhatItImplements() {
        assertThat(f.controller.controllerGetCapabilities(ControllerGetCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList()).extracting(c -> c.getRpc().getType()).contains(
                ControllerServiceCapability.RPC.Type.CREATE_DELETE_VOLUME,
                ControllerServiceCapability.RPC.Type.PUBLISH_UNPUBLISH_VOLUME,
                ControllerServiceCapability.RPC.Type.LIST_VOLUMES, ControllerServiceCapability.RPC.Type.GET_CAPACITY,
                ControllerServiceCapability.RPC.Type.CREATE_DELETE_SNAPSHOT,
                ControllerServiceCapability.RPC.Type.LIST_SNAPSHOTS, ControllerServiceCapability.RPC.Type.CLONE_VOLUME,
                ControllerServiceCapability.RPC.Type.EXPAND_VOLUME,
                ControllerServiceCapability.RPC.Type.LIST_VOLUMES_PUBLISHED_NODES,
                ControllerServiceCapability.RPC.Type.VOLUME_CONDITION, ControllerServiceCapability.RPC.Type.GET_VOLUME);
        assertCode(Status.Code.NOT_FOUND, () -> f.controller.controllerGetVolume(ControllerGetVolumeRequest.newBuilder()
                .setVolumeId("00000000-0000-0000-0000-000000000003").build()));
    }

    @Test
    void aLoneBrickIsInNoFailureDomain() throws Exception {
        Topology inZoneA = Topology.newBuilder().putSegments(Zone.KEY, Zone.DEFAULT)
                .putSegments(FailureDomains.PREFIX + "zone", "a").build();
        assertCode(Status.Code.RESOURCE_EXHAUSTED, () -> f.controller.createVolume(create("in-zone-a", MIB)
                .setAccessibilityRequirements(TopologyRequirement.newBuilder().addRequisite(inZoneA)).build()));
        assertThat(f.controller.getCapacity(GetCapacityRequest.newBuilder().setAccessibleTopology(inZoneA).build())
                .getAvailableCapacity()).isZero();
        // A preference is never a refusal; a requisite of the zone alone allows the brick.
        Volume v = f.controller.createVolume(create("near-a", MIB).setAccessibilityRequirements(TopologyRequirement
                .newBuilder().addRequisite(new Zone(Zone.DEFAULT).topology()).addPreferred(inZoneA)).build()).getVolume();
        assertThat(v.getAccessibleTopologyList()).containsExactly(new Zone(Zone.DEFAULT).topology());
        assertThat(f.controller.getCapacity(GetCapacityRequest.newBuilder()
                .setAccessibleTopology(new Zone(Zone.DEFAULT).topology()).build()).getMaximumVolumeSize().getValue())
                .as("a lone brick's volumes are thin").isEqualTo(1L << 50);
    }
}
