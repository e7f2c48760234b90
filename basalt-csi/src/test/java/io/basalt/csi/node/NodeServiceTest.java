package io.basalt.csi.node;

import csi.v1.CapacityRange;
import csi.v1.NodeExpandVolumeRequest;
import csi.v1.NodeExpandVolumeResponse;
import csi.v1.NodeGetCapabilitiesRequest;
import csi.v1.NodeGetCapabilitiesResponse;
import csi.v1.NodeGetInfoRequest;
import csi.v1.NodeGetInfoResponse;
import csi.v1.NodeGetVolumeStatsRequest;
import csi.v1.NodeGetVolumeStatsResponse;
import csi.v1.NodePublishVolumeRequest;
import csi.v1.NodePublishVolumeResponse;
import csi.v1.NodeServiceCapability;
import csi.v1.NodeStageVolumeRequest;
import csi.v1.NodeStageVolumeResponse;
import csi.v1.NodeUnpublishVolumeRequest;
import csi.v1.NodeUnpublishVolumeResponse;
import csi.v1.NodeUnstageVolumeRequest;
import csi.v1.NodeUnstageVolumeResponse;
import csi.v1.VolumeCapability.AccessMode.Mode;
import csi.v1.VolumeCapability;
import csi.v1.VolumeUsage;
import io.basalt.csi.rpc.PublishContext;
import io.basalt.csi.rpc.FailureDomains;
import io.basalt.csi.rpc.Zone;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The node service's command sequences against a recorded host: which commands stage, publish,
 * unpublish, unstage and expand a volume, in which order, and which they leave out when the work
 * is already done (every call is idempotent). The same sequences run against a real kernel in the
 * Linux guest (basalt-it's CsiNodeIT; docs/kubernetes.md, "The node against the real kernel").
 */
class NodeServiceTest {
    private static final String HOST_NQN = "nqn.2014-08.org.nvmexpress:uuid:11111111-2222-3333-4444-555555555555";
    private static final String SUBSYS = "nqn.2026-01.io.basalt:brick-1";
    private static final String UUID_1 = "0f0e0d0c-0b0a-0908-0706-050403020100";
    private static final String UUID_2 = "1f0e0d0c-0b0a-0908-0706-050403020100";
    private static final String SUBSYS_LIST = "sh -c cat /sys/class/nvme-subsystem/*/subsysnqn";
    private static final String FIND_DEVICE = "sh -c grep -l -i -x -F";

    @TempDir
    Path state;
    private RecordingRunner host;
    private NodeService node;
    private final AtomicLong clock = new AtomicLong();

    @BeforeEach
    void setUp() {
        host = new RecordingRunner();
        // The fake clock moves on each pause, so a wait loop ends by its deadline without real time passing.
        Polling polling = new Polling(Duration.ofMillis(100), clock::get, d -> clock.addAndGet(d.toNanos()));
        node = new NodeService(new NodeSettings(null, Path.of("/etc/nvme/hostnqn"), new Zone("zone-a"), 600, 2,
                Duration.ofSeconds(5), state), host, polling);
        host.on("cat /etc/nvme/hostnqn", HOST_NQN + "\n");
    }

    private static <T> T call(Class<T> answerType, Consumer<StreamObserver<T>> rpc) {
        AtomicReference<T> answer = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        rpc.accept(new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                answer.set(value);
            }

            @Override
            public void onError(Throwable t) {
                error.set(t);
            }

            @Override
            public void onCompleted() {
            }
        });
        if (error.get() instanceof StatusRuntimeException e) {
            throw e;
        }
        assertThat(error.get()).isNull();
        return answer.get();
    }

    private static void assertCode(Status.Code code, Runnable r) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).as(e.getStatus().getDescription()).isEqualTo(code));
    }

    private static VolumeCapability mount(String fs) {
        return VolumeCapability.newBuilder().setMount(VolumeCapability.MountVolume.newBuilder().setFsType(fs))
                .setAccessMode(VolumeCapability.AccessMode.newBuilder().setMode(Mode.SINGLE_NODE_WRITER)).build();
    }

    private static VolumeCapability block() {
        return VolumeCapability.newBuilder().setBlock(VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(VolumeCapability.AccessMode.newBuilder().setMode(Mode.SINGLE_NODE_WRITER)).build();
    }

    private static NodeStageVolumeRequest stage(String uuid, int nsid, VolumeCapability cap) {
        return NodeStageVolumeRequest.newBuilder().setVolumeId(uuid).setStagingTargetPath("/stage/" + uuid)
                .setVolumeCapability(cap).putAllPublishContext(new PublishContext(SUBSYS,
                        List.of("192.0.2.10:4420", "192.0.2.11:4420"), nsid, uuid).toMap()).build();
    }

    private void doStage(NodeStageVolumeRequest r) {
        call(NodeStageVolumeResponse.class, o -> node.nodeStageVolume(r, o));
    }

    @Test
    void shouldConnectEveryPathWaitForTheNamespaceMakeAFileSystemOnlyWhenBlankAndMount() {
        host.on(FIND_DEVICE, 0, "", 2).on(FIND_DEVICE, "/sys/block/nvme0c0n1/uuid\n/sys/block/nvme0n1/uuid\n")
                .on("blkid", 2, "", 1).on("mountpoint", 1, "", 1);
        doStage(stage(UUID_1, 1, mount("ext4")));
        assertThat(host.take()).containsExactly(
                "cat /etc/nvme/hostnqn",
                SUBSYS_LIST + " 2>/dev/null; true",
                "nvme connect -t tcp -a 192.0.2.10 -s 4420 -n " + SUBSYS + " --hostnqn=" + HOST_NQN
                        + " --ctrl-loss-tmo=600 --reconnect-delay=2",
                "nvme connect -t tcp -a 192.0.2.11 -s 4420 -n " + SUBSYS + " --hostnqn=" + HOST_NQN
                        + " --ctrl-loss-tmo=600 --reconnect-delay=2",
                FIND_DEVICE + " \"$1\" /sys/block/nvme*/uuid 2>/dev/null; true sh " + UUID_1,
                FIND_DEVICE + " \"$1\" /sys/block/nvme*/uuid 2>/dev/null; true sh " + UUID_1,
                FIND_DEVICE + " \"$1\" /sys/block/nvme*/uuid 2>/dev/null; true sh " + UUID_1,
                "blkid -p -s TYPE -o value /dev/nvme0n1",
                "mkfs.ext4 -q /dev/nvme0n1",
                "mkdir -p /stage/" + UUID_1,
                "mountpoint -q /stage/" + UUID_1,
                "mount -t ext4 /dev/nvme0n1 /stage/" + UUID_1);
        assertThat(clock.get()).as("waited two polls for the namespace").isEqualTo(Duration.ofMillis(200).toNanos());

        doStage(stage(UUID_1, 1, mount("ext4")));
        assertThat(host.take()).as("staged already: only checked").containsExactly("cat /etc/nvme/hostnqn",
                "mountpoint -q /stage/" + UUID_1);
    }

    @Test
    void shouldConnectOncePerNodeAndNeverReformatAVolumeThatHoldsAFileSystem() {
        host.on(SUBSYS_LIST, SUBSYS + "\n").on(FIND_DEVICE, "/sys/block/nvme0n2/uuid\n").on("blkid", "xfs\n")
                .on("mountpoint", 1, "", 1);
        doStage(stage(UUID_2, 2, mount("xfs")));
        List<String> cmds = host.take();
        assertThat(cmds).noneMatch(c -> c.startsWith("nvme connect")).noneMatch(c -> c.startsWith("mkfs"))
                .contains("mount -t xfs /dev/nvme0n2 /stage/" + UUID_2);

        assertCode(Status.Code.FAILED_PRECONDITION, () -> doStage(stage(UUID_1, 1, mount("ext4"))));
        assertThat(host.take()).noneMatch(c -> c.startsWith("mkfs"));
    }

    @Test
    void shouldStageRawBlockWithoutAFileSystemAndPublishTheDeviceNode() {
        host.on(SUBSYS_LIST, SUBSYS + "\n").on(FIND_DEVICE, "/sys/block/nvme0n1/uuid\n").on("mountpoint", 1, "", 1);
        doStage(stage(UUID_1, 1, block()));
        assertThat(host.take()).noneMatch(c -> c.startsWith("blkid") || c.startsWith("mkfs") || c.startsWith("mount "));

        NodePublishVolumeRequest pub = NodePublishVolumeRequest.newBuilder().setVolumeId(UUID_1)
                .setStagingTargetPath("/stage/" + UUID_1).setTargetPath("/pods/p1/dev").setVolumeCapability(block())
                .setReadonly(true).build();
        call(NodePublishVolumeResponse.class, o -> node.nodePublishVolume(pub, o));
        assertThat(host.take()).containsExactly("mountpoint -q /pods/p1/dev",
                "sh -c mkdir -p \"$(dirname \"$1\")\" && touch \"$1\" sh /pods/p1/dev",
                "mount --bind /dev/nvme0n1 /pods/p1/dev",
                "mount -o remount,bind,ro /pods/p1/dev");
        assertCode(Status.Code.FAILED_PRECONDITION, () -> call(NodePublishVolumeResponse.class, o -> node.nodePublishVolume(
                pub.toBuilder().setVolumeCapability(mount("ext4")).build(), o)));
    }

    @Test
    void shouldStageRawBlockAgainWhenItsRecordedDeviceIsGoneAfterANodeRestart() {
        // staged once (connected already, device nvme0n1); then the node restarts: the kernel has
        // no connection and no nvme0n1, the plugin's state directory still records the volume
        host.on(SUBSYS_LIST, 0, SUBSYS + "\n", 1).on(FIND_DEVICE, 0, "/sys/block/nvme0n1/uuid\n", 1)
                .on("cat /sys/block/nvme0n1/uuid", 1, "", 1)
                .on(FIND_DEVICE, "/sys/block/nvme0n3/uuid\n").on("cat /sys/block/nvme0n3/uuid", UUID_1 + "\n")
                .on("mountpoint", 1, "", 1);
        doStage(stage(UUID_1, 1, block()));
        host.take();

        doStage(stage(UUID_1, 1, block()));
        assertThat(host.take()).as("attached afresh").contains("cat /sys/block/nvme0n1/uuid",
                "nvme connect -t tcp -a 192.0.2.10 -s 4420 -n " + SUBSYS + " --hostnqn=" + HOST_NQN
                        + " --ctrl-loss-tmo=600 --reconnect-delay=2");
        doStage(stage(UUID_1, 1, block()));
        assertThat(host.take()).as("staged already: the recorded device is the volume's")
                .containsExactly("cat /etc/nvme/hostnqn", "cat /sys/block/nvme0n3/uuid");

        call(NodePublishVolumeResponse.class, o -> node.nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                .setVolumeId(UUID_1).setStagingTargetPath("/stage/" + UUID_1).setTargetPath("/pods/p1/dev")
                .setVolumeCapability(block()).build(), o));
        assertThat(host.take()).contains("mount --bind /dev/nvme0n3 /pods/p1/dev");
    }

    @Test
    void shouldBindTheStagingMountIntoThePodAndUndoItIdempotently() {
        host.on(SUBSYS_LIST, SUBSYS + "\n").on(FIND_DEVICE, "/sys/block/nvme0n1/uuid\n").on("blkid", "ext4\n")
                .on("mountpoint", 1, "", 2);
        doStage(stage(UUID_1, 1, mount("ext4")));
        host.take();
        NodePublishVolumeRequest pub = NodePublishVolumeRequest.newBuilder().setVolumeId(UUID_1)
                .setStagingTargetPath("/stage/" + UUID_1).setTargetPath("/pods/p1/mnt").setVolumeCapability(mount("ext4"))
                .build();
        call(NodePublishVolumeResponse.class, o -> node.nodePublishVolume(pub, o));
        assertThat(host.take()).containsExactly("mountpoint -q /pods/p1/mnt", "mkdir -p /pods/p1/mnt",
                "mount --bind /stage/" + UUID_1 + " /pods/p1/mnt");
        call(NodePublishVolumeResponse.class, o -> node.nodePublishVolume(pub, o));
        assertThat(host.take()).as("published already").containsExactly("mountpoint -q /pods/p1/mnt");

        NodeUnpublishVolumeRequest unpub = NodeUnpublishVolumeRequest.newBuilder().setVolumeId(UUID_1)
                .setTargetPath("/pods/p1/mnt").build();
        call(NodeUnpublishVolumeResponse.class, o -> node.nodeUnpublishVolume(unpub, o));
        assertThat(host.take()).containsExactly("mountpoint -q /pods/p1/mnt", "umount /pods/p1/mnt",
                "test -e /pods/p1/mnt",
                "sh -c if [ -d \"$1\" ]; then rmdir \"$1\"; else rm -f \"$1\"; fi sh /pods/p1/mnt");
        host.on("mountpoint", 1, "", 1).on("test -e", 1, "", 1);
        call(NodeUnpublishVolumeResponse.class, o -> node.nodeUnpublishVolume(unpub, o));
        assertThat(host.take()).as("gone already").containsExactly("mountpoint -q /pods/p1/mnt", "test -e /pods/p1/mnt");

        assertCode(Status.Code.FAILED_PRECONDITION, () -> call(NodePublishVolumeResponse.class, o -> node.nodePublishVolume(
                pub.toBuilder().setVolumeId(UUID_2).build(), o)));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> call(NodePublishVolumeResponse.class, o -> node.nodePublishVolume(
                pub.toBuilder().clearTargetPath().build(), o)));
    }

    @Test
    void shouldDisconnectTheSubsystemOnlyWhenItsLastStagedVolumeIsUnstaged() {
        host.on(SUBSYS_LIST, SUBSYS + "\n").on(FIND_DEVICE + " \"$1\" /sys/block/nvme*/uuid 2>/dev/null; true sh " + UUID_1,
                "/sys/block/nvme0n1/uuid\n").on(FIND_DEVICE, "/sys/block/nvme0n2/uuid\n");
        doStage(stage(UUID_1, 1, block()));
        doStage(stage(UUID_2, 2, block()));
        host.take();

        host.on("mountpoint", 1, "", 2);
        call(NodeUnstageVolumeResponse.class, o -> node.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder().setVolumeId(UUID_1)
                .setStagingTargetPath("/stage/" + UUID_1).build(), o));
        assertThat(host.take()).as("another volume of the subsystem is staged").noneMatch(c -> c.startsWith("nvme disconnect"));

        call(NodeUnstageVolumeResponse.class, o -> node.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder().setVolumeId(UUID_2)
                .setStagingTargetPath("/stage/" + UUID_2).build(), o));
        assertThat(host.take()).endsWith(SUBSYS_LIST + " 2>/dev/null; true", "nvme disconnect -n " + SUBSYS);

        host.on("mountpoint", 1, "", 1);
        call(NodeUnstageVolumeResponse.class, o -> node.nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder().setVolumeId(UUID_2)
                .setStagingTargetPath("/stage/" + UUID_2).build(), o));
        assertThat(host.take()).as("unstaged already").containsExactly("mountpoint -q /stage/" + UUID_2);
    }

    @Test
    void shouldFailStageWhenNoPathConnectsOrTheNamespaceNeverAppears() {
        host.on("nvme connect", 1, "", Integer.MAX_VALUE);
        assertCode(Status.Code.UNAVAILABLE, () -> doStage(stage(UUID_1, 1, block())));
        host.take();
        host.on(SUBSYS_LIST, SUBSYS + "\n");
        assertCode(Status.Code.UNAVAILABLE, () -> doStage(stage(UUID_1, 1, block())));
        assertThat(clock.get()).as("gave up at the 5 s deadline").isGreaterThanOrEqualTo(Duration.ofSeconds(5).toNanos());
        assertCode(Status.Code.INVALID_ARGUMENT, () -> doStage(stage(UUID_1, 1, block()).toBuilder()
                .clearPublishContext().build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> doStage(stage(UUID_1, 1, block()).toBuilder()
                .clearVolumeCapability().build()));
    }

    @Test
    void shouldGrowTheFileSystemOnceTheDeviceShowsTheNewSize() {
        host.on(SUBSYS_LIST, SUBSYS + "\n").on(FIND_DEVICE, "/sys/block/nvme0n1/uuid\n").on("blkid", "ext4\n")
                .on("mountpoint", 1, "", 1);
        doStage(stage(UUID_1, 1, mount("ext4")));
        host.take();
        host.on("blockdev --getsize64", 0, "1048576\n", 1).on("blockdev --getsize64", "4194304\n");
        long size = call(NodeExpandVolumeResponse.class, o -> node.nodeExpandVolume(NodeExpandVolumeRequest.newBuilder()
                .setVolumeId(UUID_1).setVolumePath("/pods/p1/mnt").setCapacityRange(CapacityRange.newBuilder()
                        .setRequiredBytes(4194304)).build(), o)).getCapacityBytes();
        assertThat(size).isEqualTo(4194304);
        assertThat(host.take()).containsExactly("test -e /pods/p1/mnt", "blockdev --getsize64 /dev/nvme0n1",
                "blockdev --getsize64 /dev/nvme0n1", "resize2fs /dev/nvme0n1");
        assertCode(Status.Code.NOT_FOUND, () -> call(NodeExpandVolumeResponse.class, o -> node.nodeExpandVolume(NodeExpandVolumeRequest
                .newBuilder().setVolumeId(UUID_2).setVolumePath("/pods/p2/mnt").build(), o)));
    }

    @Test
    void shouldReportUsageInBytesAndInodesAndAnAbnormalConditionWithoutALivePath() {
        host.on(SUBSYS_LIST, SUBSYS + "\n").on(FIND_DEVICE, "/sys/block/nvme0n1/uuid\n").on("blkid", "ext4\n")
                .on("mountpoint", 1, "", 1);
        doStage(stage(UUID_1, 1, mount("ext4")));
        host.on("test -b", 1, "", 1).on("stat -f", "4096 1000 400 300 5000 4000\n")
                .on("sh -c for s in", "connecting\n");
        NodeGetVolumeStatsResponse stats = call(NodeGetVolumeStatsResponse.class, o -> node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId(UUID_1).setVolumePath("/pods/p1/mnt").build(), o));
        assertThat(stats.getUsageList()).containsExactly(
                VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.BYTES).setTotal(4096000).setAvailable(1228800)
                        .setUsed(2457600).build(),
                VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.INODES).setTotal(5000).setAvailable(4000)
                        .setUsed(1000).build());
        assertThat(stats.getVolumeCondition().getAbnormal()).isTrue();
        assertThat(stats.getVolumeCondition().getMessage()).contains(SUBSYS);
        host.on("test -e", 1, "", 1);
        assertCode(Status.Code.NOT_FOUND, () -> call(NodeGetVolumeStatsResponse.class, o -> node.nodeGetVolumeStats(NodeGetVolumeStatsRequest
                .newBuilder().setVolumeId(UUID_1).setVolumePath("/gone").build(), o)));
    }

    @Test
    void shouldIdentifyTheNodeByItsHostNqnInItsZone() {
        NodeGetInfoResponse info = call(NodeGetInfoResponse.class, o -> node.nodeGetInfo(NodeGetInfoRequest.getDefaultInstance(), o));
        assertThat(info.getNodeId()).isEqualTo(HOST_NQN);
        assertThat(info.getAccessibleTopology().getSegmentsMap()).containsEntry(Zone.KEY, "zone-a");
        assertThat(call(NodeGetCapabilitiesResponse.class, o -> node.nodeGetCapabilities(NodeGetCapabilitiesRequest.getDefaultInstance(), o))
                .getCapabilitiesList()).extracting(c -> c.getRpc().getType()).contains(
                NodeServiceCapability.RPC.Type.STAGE_UNSTAGE_VOLUME, NodeServiceCapability.RPC.Type.GET_VOLUME_STATS,
                NodeServiceCapability.RPC.Type.EXPAND_VOLUME, NodeServiceCapability.RPC.Type.VOLUME_CONDITION);

        assertThat(info.getAccessibleTopology().getSegmentsMap()).as("no failure domain given, none reported")
                .containsOnlyKeys(Zone.KEY);
        NodeService racked = new NodeService(new NodeSettings(null, Path.of("/etc/nvme/hostnqn"), new Zone("zone-a"),
                600, 2, Duration.ofSeconds(1), state, Map.of("rack", "r7", "zone", "a")), host, Polling.realTime());
        assertThat(call(NodeGetInfoResponse.class, o -> racked.nodeGetInfo(NodeGetInfoRequest.getDefaultInstance(), o))
                .getAccessibleTopology().getSegmentsMap()).containsExactlyInAnyOrderEntriesOf(Map.of(Zone.KEY, "zone-a",
                FailureDomains.PREFIX + "rack", "r7", FailureDomains.PREFIX + "zone", "a"));

        RecordingRunner noNqn = new RecordingRunner().on("cat", "\n");
        NodeService bare = new NodeService(new NodeSettings(null, Path.of("/etc/nvme/hostnqn"), new Zone("z"), 600, 2,
                Duration.ofSeconds(1), state), noNqn, Polling.realTime());
        assertCode(Status.Code.FAILED_PRECONDITION, () -> call(NodeGetInfoResponse.class, o -> bare.nodeGetInfo(
                NodeGetInfoRequest.getDefaultInstance(), o)));
    }
}
