package io.basalt.server.csi;

import com.fasterxml.jackson.databind.JsonNode;
import csi.v1.ControllerGrpc;
import csi.v1.ControllerPublishVolumeRequest;
import csi.v1.CreateSnapshotRequest;
import csi.v1.CreateVolumeRequest;
import csi.v1.DeleteSnapshotRequest;
import csi.v1.DeleteVolumeRequest;
import csi.v1.GetCapacityRequest;
import csi.v1.GetCapacityResponse;
import csi.v1.Topology;
import csi.v1.TopologyRequirement;
import io.basalt.api.ApiException;
import io.basalt.api.client.ApiClient;
import io.basalt.control.etcd.EtcdCluster;
import io.basalt.csi.CsiChannel;
import io.basalt.csi.CsiServer;
import io.basalt.csi.rpc.FailureDomains;
import io.basalt.csi.rpc.PublishContext;
import io.basalt.csi.rpc.Zone;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.basalt.server.Brick;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.ClusterSettings;
import io.basalt.server.config.DataPathConfig;
import io.basalt.server.config.EngineSettings;
import io.basalt.server.config.ServeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The CSI controller in front of one brick of a three-brick cluster: a StorageClass's replicas
 * reach placement, the publish context names every brick's path, and snapshots are taken by the
 * volume's primary, whichever brick the plugin talks to. Topology: the bricks are in racks r1, r2,
 * r3 and zones z1 (b1, b2) and z2 (b3); a requirement's failure-domain segments keep the replicas
 * in its domains, and capacity is counted per segment.
 */
class CsiClusterTest {
    private static EtcdCluster etcd;
    private static final List<Brick> bricks = new ArrayList<>();
    private static CsiServer plugin;
    private static CsiChannel channel;
    private static ControllerGrpc.ControllerBlockingStub controller;
    private static ApiClient api;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        etcd = EtcdCluster.start(1);
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        for (int i = 1; i <= 3; i++) {
            ClusterSettings cluster = new ClusterSettings(etcd.endpoints(), "csi", "b" + i,
                    Map.of("rack", "r" + i, "zone", i < 3 ? "z1" : "z2"),
                    any, Duration.ofSeconds(3), Duration.ofHours(1));
            bricks.add(Brick.start(new ServeConfig(dir.resolve("b" + i), any, null, List.of(),
                    new ApiConfig(any, null, null, null, null, null), List.of(), DataPathConfig.DEFAULT,
                    EngineSettings.DEFAULT, cluster)));
        }
        URI uri = URI.create("http://127.0.0.1:" + bricks.get(1).apiAddress().getPort());
        api = new ApiClient(uri, null);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (api.get("/api/v1/cluster").json().path("bricks").path("active").asInt() < 3) {
            assertThat(System.nanoTime()).as("three active bricks").isLessThan(deadline);
            Thread.sleep(100);
        }
        plugin = CsiFixture.startPlugin(dir.resolve("csi.sock"), uri);
        channel = CsiChannel.open(plugin.socket());
        controller = ControllerGrpc.newBlockingStub(channel.channel());
    }

    @AfterAll
    static void stop() {
        if (channel != null) {
            channel.close();
        }
        if (plugin != null) {
            plugin.close();
        }
        bricks.forEach(Brick::close);
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void aClaimOnAClusterIsPlacedPublishedOnEveryPathAndSnapshottedByItsPrimary() throws Exception {
        var created = controller.createVolume(CreateVolumeRequest.newBuilder().setName("pvc-1")
                .setCapacityRange(csi.v1.CapacityRange.newBuilder().setRequiredBytes(64L << 20))
                .putParameters("replicas", "2").addVolumeCapabilities(CsiFixture.mountWriter()).build()).getVolume();
        JsonNode v = api.get("/api/v1/volumes/" + created.getVolumeId()).json();
        assertThat(v.path("placement").path("replicas")).hasSize(2);

        var published = controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                .setVolumeId(created.getVolumeId()).setNodeId(CsiFixture.NODE_A)
                .setVolumeCapability(CsiFixture.mountWriter()).build());
        PublishContext ctx = PublishContext.fromMap(published.getPublishContextMap());
        List<String> paths = new ArrayList<>();
        bricks.forEach(b -> paths.add("127.0.0.1:" + b.ioAddress().getPort()));
        assertThat(ctx.targets()).containsExactlyInAnyOrderElementsOf(paths);
        assertThat(ctx.subsystemNqn()).isEqualTo(bricks.get(0).target().subsystem().nqn());

        var snapshot = controller.createSnapshot(CreateSnapshotRequest.newBuilder().setName("snap-1")
                .setSourceVolumeId(created.getVolumeId()).build()).getSnapshot();
        assertThat(snapshot.getReadyToUse()).isTrue();
        String primary = v.path("placement").path("primary").asText();
        Brick holder = bricks.get(Integer.parseInt(primary.substring(1)) - 1);
        assertThat(holder.volumeManager().snapshots().list(v.path("name").asText())).hasSize(1);
        controller.deleteSnapshot(DeleteSnapshotRequest.newBuilder().setSnapshotId(snapshot.getSnapshotId()).build());
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(created.getVolumeId()).build());
        assertThat(api.get("/api/v1/volumes").json().path("items")).isEmpty();
    }

    @Test
    void aRequisiteDomainKeepsEveryReplicaThereAndThePrimaryGoesWherePreferred() throws Exception {
        var created = controller.createVolume(claim("pvc-z1", 2).setAccessibilityRequirements(TopologyRequirement
                .newBuilder().addRequisite(where(Map.of("zone", "z1"))).addRequisite(where(Map.of("zone", "z9")))
                .addPreferred(where(Map.of("zone", "z1", "rack", "r2")))).build()).getVolume();
        try {
            JsonNode placement = api.get("/api/v1/volumes/" + created.getVolumeId()).json().path("placement");
            assertThat(bricksOf(placement)).containsExactlyInAnyOrder("b1", "b2");
            assertThat(placement.path("primary").asText()).as("the preferred rack").isEqualTo("b2");
            assertThat(placement.path("allowedDomains").toString()).isEqualTo("[{\"zone\":\"z1\"},{\"zone\":\"z9\"}]");
            // Reachable from every node of the plugin's zone, wherever its data is: no failure domain in it.
            assertThat(created.getAccessibleTopologyList())
                    .containsExactly(Topology.newBuilder().putSegments(Zone.KEY, Zone.DEFAULT).build());
        } finally {
            controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(created.getVolumeId()).build());
        }

        var single = controller.createVolume(claim("pvc-z2", 1).setAccessibilityRequirements(TopologyRequirement
                .newBuilder().addRequisite(where(Map.of("zone", "z2")))).build()).getVolume();
        try {
            assertThat(bricksOf(api.get("/api/v1/volumes/" + single.getVolumeId()).json().path("placement")))
                    .containsExactly("b3");
        } finally {
            controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(single.getVolumeId()).build());
        }
    }

    @Test
    void aRequisiteTheBricksCannotMeetIsResourceExhaustedWithTheReason() throws Exception {
        StatusRuntimeException twoInZ2 = catchThrowableOfType(StatusRuntimeException.class,
                () -> controller.createVolume(claim("pvc-2z2", 2).setAccessibilityRequirements(TopologyRequirement
                        .newBuilder().addRequisite(where(Map.of("zone", "z2")))).build()));
        assertThat(twoInZ2.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(twoInZ2.getStatus().getDescription()).contains("2 replicas need 2 distinct failure domains",
                "allowed domains [{zone=z2}]", "outside the allowed domains: [b1, b2]");
        StatusRuntimeException nowhere = catchThrowableOfType(StatusRuntimeException.class,
                () -> controller.createVolume(claim("pvc-z9", 1).setAccessibilityRequirements(TopologyRequirement
                        .newBuilder().addRequisite(where(Map.of("zone", "z9")))).build()));
        assertThat(nowhere.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        // Two replicas apart in zones, where only z2 has one brick: b3 and one of z1.
        var apart = controller.createVolume(claim("pvc-apart", 2).putParameters("failureDomainKey", "zone").build())
                .getVolume();
        try {
            assertThat(bricksOf(api.get("/api/v1/volumes/" + apart.getVolumeId()).json().path("placement")))
                    .hasSize(2).contains("b3");
        } finally {
            controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(apart.getVolumeId()).build());
        }
        // The API says the same to anyone, with a code that tells it from a name taken.
        assertThatThrownBy(() -> api.post("/api/v1/volumes", Map.of("name", "z2x2", "size", "64MiB", "replicas", 2,
                "allowedDomains", List.of(Map.of("zone", "z2")))))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.code()).isEqualTo(ApiException.PLACEMENT_IMPOSSIBLE);
                });
        assertThatThrownBy(() -> api.post("/api/v1/volumes", Map.of("name", "blank", "size", "64MiB",
                "allowedDomains", List.of(Map.of()))))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThat(api.get("/api/v1/volumes").json().path("items")).as("nothing made by a refusal").isEmpty();
    }

    @Test
    void capacityPerSegmentIsTheFreeSpaceOfItsActiveBricks() throws Exception {
        assertCapacity(Map.of("zone", "z1"), "b1", "b2");
        assertCapacity(Map.of("rack", "r3"), "b3");
        assertCapacity(Map.of(), "b1", "b2", "b3");
        assertCapacity(Map.of("zone", "z9"));
        GetCapacityResponse otherZone = controller.getCapacity(GetCapacityRequest.newBuilder().setAccessibleTopology(
                Topology.newBuilder().putSegments(Zone.KEY, "elsewhere")).build());
        assertThat(otherZone.getAvailableCapacity()).isZero();
    }

    /** GetCapacity of the segment against the bricks' free space in the API, read before and after it. */
    private static void assertCapacity(Map<String, String> domains, String... expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Map<String, Long> before = freeBytes();
            GetCapacityResponse r = controller.getCapacity(GetCapacityRequest.newBuilder()
                    .setAccessibleTopology(where(domains)).build());
            Map<String, Long> after = freeBytes();
            if (before.equals(after)) { // no brick reported new free space meanwhile: the sum is exact
                long sum = 0;
                long largest = 0;
                for (String b : expected) {
                    sum += after.get(b);
                    largest = Math.max(largest, after.get(b));
                }
                assertThat(sum).as("bricks have free space").isEqualTo(expected.length == 0 ? 0 : sum);
                assertThat(r.getAvailableCapacity()).as(domains.toString()).isEqualTo(sum);
                if (expected.length > 0) {
                    assertThat(sum).isPositive();
                    assertThat(r.getMaximumVolumeSize().getValue()).as("a volume fits on one brick").isEqualTo(largest);
                }
                return;
            }
            assertThat(System.nanoTime()).as("free space kept changing").isLessThan(deadline);
        }
    }

    private static Map<String, Long> freeBytes() throws Exception {
        Map<String, Long> free = new TreeMap<>();
        api.get("/api/v1/bricks").json().forEach(b -> free.put(b.path("name").asText(), b.path("freeBytes").asLong()));
        return free;
    }

    private static CreateVolumeRequest.Builder claim(String name, int replicas) {
        return CreateVolumeRequest.newBuilder().setName(name)
                .setCapacityRange(csi.v1.CapacityRange.newBuilder().setRequiredBytes(64L << 20))
                .putParameters("replicas", Integer.toString(replicas)).addVolumeCapabilities(CsiFixture.mountWriter());
    }

    /** A node's topology in these failure domains, in the plugin's zone. */
    private static Topology where(Map<String, String> domains) {
        return Topology.newBuilder().putSegments(Zone.KEY, Zone.DEFAULT)
                .putAllSegments(FailureDomains.segments(domains)).build();
    }

    private static List<String> bricksOf(JsonNode placement) {
        List<String> out = new ArrayList<>();
        placement.path("replicas").forEach(r -> out.add(r.path("brick").asText()));
        return out;
    }
}
