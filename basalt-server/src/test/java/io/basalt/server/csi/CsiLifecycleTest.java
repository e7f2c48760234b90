package io.basalt.server.csi;

import csi.v1.CapacityRange;
import csi.v1.ControllerGrpc;
import csi.v1.ControllerPublishVolumeRequest;
import csi.v1.ControllerUnpublishVolumeRequest;
import csi.v1.CreateVolumeRequest;
import csi.v1.DeleteVolumeRequest;
import csi.v1.IdentityGrpc;
import csi.v1.NodeGetInfoRequest;
import csi.v1.NodeGrpc;
import csi.v1.NodePublishVolumeRequest;
import csi.v1.NodeStageVolumeRequest;
import csi.v1.NodeUnpublishVolumeRequest;
import csi.v1.NodeUnstageVolumeRequest;
import csi.v1.ProbeRequest;
import csi.v1.Volume;
import io.basalt.csi.CsiChannel;
import io.basalt.csi.CsiPlugin;
import io.basalt.csi.CsiServer;
import io.basalt.csi.controller.ControllerSettings;
import io.basalt.csi.node.CommandRunner;
import io.basalt.csi.node.NodeSettings;
import io.basalt.csi.node.Polling;
import io.basalt.csi.rpc.Zone;
import io.basalt.server.Brick;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.ServeConfig;
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
 * One volume's whole life as Kubernetes drives it, through a plugin in {@code all} mode on one
 * socket: created, published to the node the node service names, staged, published into a pod,
 * and back. The controller half is real (a live brick); the node's host is recorded, so the test
 * checks that what the controller hands the node — subsystem, path, namespace UUID — is exactly what
 * the node connects to and waits for.
 */
class CsiLifecycleTest {
    private static final String NODE = "nqn.2014-08.org.nvmexpress:uuid:cccccccc-0000-0000-0000-00000000000c";
    @TempDir
    Path dir;

    /** A host whose kernel shows the volume's namespace as nvme0n1 once connected, and nothing is mounted. */
    private static final class ScriptedHost implements CommandRunner {
        final List<String> commands = new ArrayList<>();
        volatile String subsystem = "";
        volatile String uuid = "";

        @Override
        public synchronized Result run(List<String> argv) {
            String line = String.join(" ", argv);
            commands.add(line);
            if (line.startsWith("cat /etc/nvme/hostnqn")) {
                return new Result(0, NODE + "\n", "");
            }
            if (line.startsWith("nvme connect")) {
                subsystem = argv.get(argv.indexOf("-n") + 1);
            } else if (line.startsWith("nvme disconnect")) {
                subsystem = "";
            } else if (line.startsWith("sh -c cat /sys/class/nvme-subsystem")) {
                return new Result(0, subsystem.isEmpty() ? "" : subsystem + "\n", "");
            } else if (line.startsWith("sh -c grep")) {
                boolean visible = !subsystem.isEmpty() && argv.getLast().equals(uuid);
                return new Result(0, visible ? "/sys/block/nvme0n1/uuid\n" : "", "");
            } else if (line.startsWith("blkid") || line.startsWith("mountpoint")) {
                return new Result(line.startsWith("blkid") ? 2 : 1, "", "");
            }
            return new Result(0, "", "");
        }
    }

    @Test
    void shouldAttachAVolumeWhereTheControllerSaysItIs() throws Exception {
        ScriptedHost host = new ScriptedHost();
        try (Brick brick = Brick.start(new ServeConfig(dir.resolve("data"), new InetSocketAddress("127.0.0.1", 0), null,
                List.of(), new ApiConfig(new InetSocketAddress("127.0.0.1", 0), null, null, null, null, null)))) {
            URI api = URI.create("http://127.0.0.1:" + brick.apiAddress().getPort());
            Zone zone = new Zone(Zone.DEFAULT);
            try (CsiServer plugin = CsiPlugin.start(new CsiPlugin.Config(CsiPlugin.Mode.ALL, dir.resolve("csi.sock"), api,
                    null, new ControllerSettings(zone, "127.0.0.1", List.of()), new NodeSettings(null,
                    Path.of("/etc/nvme/hostnqn"), zone, 30, 1, Duration.ofSeconds(2), dir.resolve("state")), host,
                    Polling.realTime()));
                 CsiChannel channel = CsiChannel.open(plugin.socket())) {
                ControllerGrpc.ControllerBlockingStub controller = ControllerGrpc.newBlockingStub(channel.channel());
                NodeGrpc.NodeBlockingStub node = NodeGrpc.newBlockingStub(channel.channel());
                assertThat(IdentityGrpc.newBlockingStub(channel.channel()).probe(ProbeRequest.getDefaultInstance())
                        .getReady().getValue()).as("API and host NQN both there").isTrue();

                String nodeId = node.nodeGetInfo(NodeGetInfoRequest.getDefaultInstance()).getNodeId();
                assertThat(nodeId).isEqualTo(NODE);
                Volume v = controller.createVolume(CreateVolumeRequest.newBuilder().setName("pvc-life")
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(4 << 20))
                        .addVolumeCapabilities(CsiFixture.mountWriter()).build()).getVolume();
                host.uuid = v.getVolumeId();
                Map<String, String> ctx = controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                        .setVolumeId(v.getVolumeId()).setNodeId(nodeId).setVolumeCapability(CsiFixture.mountWriter())
                        .build()).getPublishContextMap();

                String staging = dir.resolve("staging").toString();
                node.nodeStageVolume(NodeStageVolumeRequest.newBuilder().setVolumeId(v.getVolumeId())
                        .setStagingTargetPath(staging).setVolumeCapability(CsiFixture.mountWriter())
                        .putAllPublishContext(ctx).build());
                assertThat(host.commands).contains("nvme connect -t tcp -a 127.0.0.1 -s " + brick.ioAddress().getPort()
                        + " -n " + brick.identity().subsystemNqn() + " --hostnqn=" + NODE
                        + " --ctrl-loss-tmo=30 --reconnect-delay=1", "mkfs.ext4 -q /dev/nvme0n1",
                        "mount -t ext4 /dev/nvme0n1 " + staging);

                String target = dir.resolve("pod").toString();
                node.nodePublishVolume(NodePublishVolumeRequest.newBuilder().setVolumeId(v.getVolumeId())
                        .setStagingTargetPath(staging).setTargetPath(target).setVolumeCapability(CsiFixture.mountWriter())
                        .putAllPublishContext(ctx).build());
                assertThat(host.commands).contains("mount --bind " + staging + " " + target);

                node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(v.getVolumeId())
                        .setTargetPath(target).build());
                node.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder().setVolumeId(v.getVolumeId())
                        .setStagingTargetPath(staging).build());
                assertThat(host.commands).contains("nvme disconnect -n " + brick.identity().subsystemNqn());
                controller.controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                        .setVolumeId(v.getVolumeId()).setNodeId(nodeId).build());
                controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(v.getVolumeId()).build());
                assertThat(brick.volumes()).noneMatch(e -> e.metadata().name().equals("pvc-life"));
            }
        }
    }
}
