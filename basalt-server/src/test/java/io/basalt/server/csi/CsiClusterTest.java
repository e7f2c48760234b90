package io.basalt.server.csi;

import com.fasterxml.jackson.databind.JsonNode;
import csi.v1.ControllerGrpc;
import csi.v1.ControllerPublishVolumeRequest;
import csi.v1.CreateSnapshotRequest;
import csi.v1.CreateVolumeRequest;
import csi.v1.DeleteSnapshotRequest;
import csi.v1.DeleteVolumeRequest;
import io.basalt.api.client.ApiClient;
import io.basalt.control.etcd.EtcdCluster;
import io.basalt.csi.CsiChannel;
import io.basalt.csi.CsiServer;
import io.basalt.csi.rpc.PublishContext;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CSI controller in front of one brick of a three-brick cluster: a StorageClass's replicas
 * reach placement, the publish context names every brick's path, and snapshots are taken by the
 * volume's primary, whichever brick the plugin talks to.
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
            ClusterSettings cluster = new ClusterSettings(etcd.endpoints(), "csi", "b" + i, Map.of("rack", "r" + i),
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
}
