package io.basalt.it;

import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.CapacityRange;
import csi.v1.ControllerExpandVolumeRequest;
import csi.v1.ControllerExpandVolumeResponse;
import csi.v1.ControllerGrpc;
import csi.v1.ControllerPublishVolumeRequest;
import csi.v1.ControllerUnpublishVolumeRequest;
import csi.v1.CreateVolumeRequest;
import csi.v1.DeleteVolumeRequest;
import csi.v1.IdentityGrpc;
import csi.v1.NodeExpandVolumeRequest;
import csi.v1.NodeGetInfoRequest;
import csi.v1.NodeGetVolumeStatsRequest;
import csi.v1.NodeGetVolumeStatsResponse;
import csi.v1.NodeGrpc;
import csi.v1.NodePublishVolumeRequest;
import csi.v1.NodeStageVolumeRequest;
import csi.v1.NodeUnpublishVolumeRequest;
import csi.v1.NodeUnstageVolumeRequest;
import csi.v1.ProbeRequest;
import csi.v1.Volume;
import csi.v1.VolumeCapability;
import csi.v1.VolumeUsage;
import io.basalt.csi.CsiChannel;
import io.basalt.csi.CsiPlugin;
import io.basalt.csi.CsiServer;
import io.basalt.csi.controller.ControllerSettings;
import io.basalt.csi.node.NodeSettings;
import io.basalt.csi.node.Polling;
import io.basalt.csi.rpc.Zone;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CSI node service against the real Linux kernel: the plugin runs here in {@code all} mode on a
 * real Unix socket, its controller in front of a brick ({@code ./basalt serve}) on this machine, and
 * every host command of its node service runs in a qemu guest (Debian's kernel 6.1 or 6.12) through
 * {@link GuestCommandRunner} and {@code src/test/guest/csi-node.sh}. The test calls the RPCs over the
 * socket, as the kubelet and the sidecars do, and checks what the guest's kernel then shows: mounts
 * (findmnt), block device sizes (/sys/block), NVMe controllers (/sys/class/nvme, nvme list-subsys)
 * and data (sha256 of what was written, read back through another path and after a reconnect).
 *
 * <p>Two volumes on the brick's one subsystem: an ext4 file system volume (staged, published, written,
 * grown online with ControllerExpandVolume and NodeExpandVolume) and a raw block volume (the device
 * node bound at the target path, written with dd). Unstaging the first keeps the connection (the
 * second still uses the subsystem); unstaging the second disconnects; staging both again reconnects
 * and finds the data, the file system not made again. Then an xfs volume, published read-write and
 * read-only, reported abnormal while the brick is down and normal once the kernel has reconnected,
 * and grown with xfs_growfs.
 */
class CsiNodeIT {
    static final Duration GUEST_LIMIT = Duration.ofMinutes(15);
    static final Duration BOOT_LIMIT = Duration.ofMinutes(5);
    static final Duration RPC_DEADLINE = Duration.ofMinutes(4);
    static final long MIB = 1L << 20;
    static final long FS_BYTES = 64 * MIB;
    static final long FS_GROWN_BYTES = 128 * MIB;
    static final long BLOCK_BYTES = 16 * MIB;
    /** mkfs.xfs (xfsprogs 6.1) makes no file system under 300 MB. */
    static final long XFS_BYTES = 320 * MIB;
    static final long XFS_GROWN_BYTES = 384 * MIB;

    static final String KUBELET = "/var/lib/kubelet";
    static final String FS_STAGING = KUBELET + "/plugins/kubernetes.io/csi/basalt.csi.io/fs/globalmount";
    static final String FS_TARGET = KUBELET + "/pods/pod-a/volumes/kubernetes.io~csi/pv-fs/mount";
    static final String XFS_STAGING = KUBELET + "/plugins/kubernetes.io/csi/basalt.csi.io/xfs/globalmount";
    static final String XFS_TARGET = KUBELET + "/pods/pod-b/volumes/kubernetes.io~csi/pv-xfs/mount";
    static final String XFS_READ_ONLY_TARGET = KUBELET + "/pods/pod-c/volumes/kubernetes.io~csi/pv-xfs/mount";
    static final String BLOCK_STAGING = KUBELET + "/plugins/kubernetes.io/csi/volumeDevices/staging/pv-block";
    static final String BLOCK_TARGET = KUBELET + "/plugins/kubernetes.io/csi/volumeDevices/publish/pv-block/pod-a";

    private BrickProcess brick;
    private GuestRun guest;
    private CsiServer plugin;
    private CsiChannel channel;

    static List<String> kernels() {
        return KernelTargetIT.kernels();
    }

    @AfterEach
    void stopEverything() {
        if (channel != null) {
            channel.close();
        }
        if (plugin != null) {
            plugin.close();
        }
        if (guest != null) {
            guest.close();
        }
        if (brick != null) {
            brick.close();
        }
    }

    @ParameterizedTest(name = "Linux {0} node")
    @MethodSource("kernels")
    @Timeout(value = 25, unit = TimeUnit.MINUTES)
    void nodeServiceAttachesVolumesWithTheRealKernel(String kernel, @TempDir Path tmp) throws Exception {
        LinuxGuest linux = new LinuxGuest(kernel).ensureBuilt();
        int ioPort = BrickProcess.freePort();
        int apiPort = BrickProcess.freePort();
        Path log = LinuxHostInteropIT.logDir().resolve("brick-csi-node-" + kernel + ".log");
        Files.deleteIfExists(log);
        brick = BrickProcess.serve("brick", log, List.of(ioPort, apiPort), List.of(
                "--data-dir", Files.createDirectories(tmp.resolve("data")).toString(),
                "--api-listen", "127.0.0.1:" + apiPort,
                "--listen", "127.0.0.1:" + ioPort,
                "--discovery-listen", "none"));
        brick.start();

        GuestCommandRunner runner = new GuestCommandRunner(Duration.ofSeconds(120), Duration.ofSeconds(60));
        long bootStart = System.nanoTime();
        guest = linux.boot(LinuxGuest.guestDir().resolve("csi-node.sh"), Map.of(), GUEST_LIMIT, runner);
        runner.attach(guest::reply);
        String guestNqn = runner.awaitReady(BOOT_LIMIT, guest::isRunning);
        System.out.println("=== guest " + kernel + " ready after " + seconds(bootStart) + " s, host NQN " + guestNqn);

        Zone zone = new Zone(Zone.DEFAULT);
        Path socket = tmp.resolve("csi.sock");
        plugin = CsiPlugin.start(new CsiPlugin.Config(CsiPlugin.Mode.ALL, socket,
                URI.create("http://127.0.0.1:" + apiPort), null,
                // the guest reaches the brick's 127.0.0.1 as 10.0.2.2: basalt csi --target
                new ControllerSettings(zone, "127.0.0.1", List.of(LinuxGuest.HOST_ADDRESS + ":" + ioPort)),
                new NodeSettings(null, NodeSettings.HOSTNQN_FILE_DEFAULT, zone, NodeSettings.CTRL_LOSS_TMO_DEFAULT,
                        NodeSettings.RECONNECT_DELAY_DEFAULT, Duration.ofSeconds(120), tmp.resolve("state")),
                runner, Polling.realTime()));
        channel = CsiChannel.open(socket);
        Csi csi = new Csi(channel);
        GuestShell sh = new GuestShell(runner);
        long start = System.nanoTime();
        try {
            lifecycle(csi, sh, guestNqn);
        } finally {
            System.out.println("=== CSI node lifecycle on Linux " + kernel + ": " + seconds(start) + " s, "
                    + runner.transcript().size() + " guest commands");
            runner.transcript().forEach(c -> System.out.println("  " + c));
        }
        runner.end();
        assertThat(guest.awaitExit(Duration.ofMinutes(2))).as("guest exit status").isZero();
        assertThat(guest.hasLine("BASALT-CSI-NODE-END")).isTrue();
    }

    private void lifecycle(Csi csi, GuestShell sh, String guestNqn) throws Exception {
        assertThat(csi.identity().probe(ProbeRequest.getDefaultInstance()).getReady().getValue())
                .as("probe: the API answers and the guest has a host NQN").isTrue();
        String nodeId = csi.node().nodeGetInfo(NodeGetInfoRequest.getDefaultInstance()).getNodeId();
        assertThat(nodeId).as("node id = the guest's /etc/nvme/hostnqn").isEqualTo(guestNqn)
                .isEqualTo(sh.out("cat", "/etc/nvme/hostnqn").trim());

        VolumeCapability fsCap = Csi.mount("ext4");
        VolumeCapability blockCap = Csi.block();
        Volume fs = csi.create("csi-node-fs", FS_BYTES, fsCap);
        Volume block = csi.create("csi-node-block", BLOCK_BYTES, blockCap);
        Map<String, String> fsCtx = csi.publish(fs, nodeId, fsCap);
        Map<String, String> blockCtx = csi.publish(block, nodeId, blockCap);
        String nqn = fsCtx.get("subsystemNqn");
        assertThat(blockCtx.get("subsystemNqn")).as("one subsystem per brick").isEqualTo(nqn);
        assertThat(sh.controllersOf(nqn)).as("nothing connected before NodeStage").isZero();

        // --- file system volume: stage (connect, mkfs.ext4, mount), publish (bind), write, stats
        csi.stage(fs, fsCtx, FS_STAGING, fsCap);
        csi.stage(fs, fsCtx, FS_STAGING, fsCap);   // idempotent: no second mount, no second connect
        String fsDev = sh.deviceOf(fs.getVolumeId());
        assertThat(sh.controllersOf(nqn)).as("one controller for the subsystem").isEqualTo(1);
        assertThat(sh.mounts(FS_STAGING)).as("staging mount").containsExactly(fsDev + " ext4");
        assertThat(sh.bytes(fsDev)).isEqualTo(FS_BYTES);
        csi.publishOnNode(fs, fsCtx, FS_STAGING, FS_TARGET, fsCap);
        csi.publishOnNode(fs, fsCtx, FS_STAGING, FS_TARGET, fsCap);
        assertThat(sh.mounts(FS_TARGET)).as("bind mount at the target").containsExactly(fsDev + " ext4");
        String fileSum = sh.out("sh", "-c", "head -c 4194304 /dev/urandom > \"$1/payload\" && sync && "
                + "sha256sum < \"$1/payload\"", "sh", FS_TARGET).trim();
        assertThat(sh.out("sh", "-c", "sha256sum < \"$1/payload\"", "sh", FS_STAGING).trim())
                .as("the file written at the target is in the staged file system").isEqualTo(fileSum);
        NodeGetVolumeStatsResponse stats = csi.stats(fs, FS_TARGET);
        VolumeUsage bytes = Csi.usage(stats, VolumeUsage.Unit.BYTES);
        assertThat(bytes.getTotal()).isBetween(FS_BYTES / 2, FS_BYTES);
        assertThat(bytes.getUsed()).as("the 4 MiB file is counted").isGreaterThanOrEqualTo(4 * MIB);
        assertThat(Csi.usage(stats, VolumeUsage.Unit.INODES).getUsed()).isPositive();
        assertThat(stats.getVolumeCondition().getAbnormal()).as(stats.getVolumeCondition().getMessage()).isFalse();

        // --- online expansion: the brick grows the namespace, the kernel sees it, resize2fs grows ext4
        ControllerExpandVolumeResponse grown = csi.controller().controllerExpandVolume(ControllerExpandVolumeRequest
                .newBuilder().setVolumeId(fs.getVolumeId()).setVolumeCapability(fsCap)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(FS_GROWN_BYTES)).build());
        assertThat(grown.getCapacityBytes()).isEqualTo(FS_GROWN_BYTES);
        assertThat(grown.getNodeExpansionRequired()).isTrue();
        long nodeSize = csi.node().nodeExpandVolume(NodeExpandVolumeRequest.newBuilder()
                .setVolumeId(fs.getVolumeId()).setVolumePath(FS_TARGET).setStagingTargetPath(FS_STAGING)
                .setVolumeCapability(fsCap).setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(FS_GROWN_BYTES))
                .build()).getCapacityBytes();
        assertThat(nodeSize).isEqualTo(FS_GROWN_BYTES);
        assertThat(sh.bytes(fsDev)).as("/sys/block size after expansion").isEqualTo(FS_GROWN_BYTES);
        assertThat(Csi.usage(csi.stats(fs, FS_TARGET), VolumeUsage.Unit.BYTES).getTotal())
                .as("ext4 grew past the old device size").isGreaterThan(FS_BYTES);

        // --- raw block volume on the same subsystem: no second connect; the device node at the target
        csi.stage(block, blockCtx, BLOCK_STAGING, blockCap);
        String blockDev = sh.deviceOf(block.getVolumeId());
        assertThat(sh.controllersOf(nqn)).as("still one controller: the subsystem is connected once").isEqualTo(1);
        assertThat(sh.runner().run(List.of("blkid", "-p", blockDev)).exitCode())
                .as("blkid finds no signature: no file system made on a raw block volume").isEqualTo(2);
        csi.publishOnNode(block, blockCtx, BLOCK_STAGING, BLOCK_TARGET, blockCap);
        assertThat(sh.out("stat", "-L", "-c", "%F %t:%T", BLOCK_TARGET))
                .as("the target is the volume's device node").isEqualTo(sh.out("stat", "-c", "%F %t:%T", blockDev));
        String blockSum = sh.out("sh", "-c", "head -c 2097152 /dev/urandom > /tmp/block-payload && "
                + "dd if=/tmp/block-payload of=\"$1\" bs=1M conv=fsync 2>/dev/null && sha256sum < /tmp/block-payload",
                "sh", BLOCK_TARGET).trim();
        assertThat(sh.headSum(BLOCK_TARGET, 2 * MIB)).isEqualTo(blockSum);
        assertThat(Csi.usage(csi.stats(block, BLOCK_TARGET), VolumeUsage.Unit.BYTES).getTotal()).isEqualTo(BLOCK_BYTES);

        // --- unpublish and unstage: the connection stays while the block volume uses the subsystem
        csi.unpublish(fs, FS_TARGET);
        csi.unpublish(fs, FS_TARGET);
        assertThat(sh.ok("test", "-e", FS_TARGET)).as("target removed").isFalse();
        csi.unstage(fs, FS_STAGING);
        csi.unstage(fs, FS_STAGING);
        assertThat(sh.mounts(FS_STAGING)).as("staging unmounted").isEmpty();
        assertThat(sh.controllersOf(nqn)).as("the block volume still uses the subsystem").isEqualTo(1);
        csi.unpublish(block, BLOCK_TARGET);
        csi.unstage(block, BLOCK_STAGING);
        sh.awaitNoController(nqn);

        // --- stage both again: reconnect, the data is on the brick, ext4 found and not made again
        csi.stage(fs, fsCtx, FS_STAGING, fsCap);
        csi.publishOnNode(fs, fsCtx, FS_STAGING, FS_TARGET, fsCap);
        assertThat(sh.out("sh", "-c", "sha256sum < \"$1/payload\"", "sh", FS_TARGET).trim())
                .as("the file after disconnect and reconnect").isEqualTo(fileSum);
        assertThat(sh.bytes(sh.deviceOf(fs.getVolumeId()))).isEqualTo(FS_GROWN_BYTES);
        csi.stage(block, blockCtx, BLOCK_STAGING, blockCap);
        csi.publishOnNode(block, blockCtx, BLOCK_STAGING, BLOCK_TARGET, blockCap);
        assertThat(sh.headSum(BLOCK_TARGET, 2 * MIB)).as("the block data after reconnect").isEqualTo(blockSum);
        csi.unpublish(block, BLOCK_TARGET);
        csi.unstage(block, BLOCK_STAGING);
        csi.unpublish(fs, FS_TARGET);
        csi.unstage(fs, FS_STAGING);
        sh.awaitNoController(nqn);
        assertThat(sh.out("nvme", "list-subsys")).as("nvme list-subsys after the last unstage").doesNotContain(nqn);

        // --- the node restarts: the kernel forgets the connection, the plugin's state directory does
        // not; NodeStage again must attach the raw block volume afresh, not trust the device it recorded
        csi.stage(block, blockCtx, BLOCK_STAGING, blockCap);
        sh.out("nvme", "disconnect", "-n", nqn);
        sh.awaitNoController(nqn);
        csi.stage(block, blockCtx, BLOCK_STAGING, blockCap);
        assertThat(sh.controllersOf(nqn)).as("NodeStage after the connection was lost connects again").isEqualTo(1);
        csi.publishOnNode(block, blockCtx, BLOCK_STAGING, BLOCK_TARGET, blockCap);
        assertThat(sh.headSum(BLOCK_TARGET, 2 * MIB)).as("the block data after the node restart").isEqualTo(blockSum);
        csi.unpublish(block, BLOCK_TARGET);
        csi.unstage(block, BLOCK_STAGING);
        sh.awaitNoController(nqn);

        Volume xfs = xfsVolume(csi, sh, nodeId);

        for (Volume v : List.of(fs, block, xfs)) {
            csi.controller().controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder()
                    .setVolumeId(v.getVolumeId()).setNodeId(nodeId).build());
            csi.controller().deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(v.getVolumeId()).build());
        }
    }

    /**
     * An xfs volume published to two pods, one of them read-only; its condition while the brick is
     * down and after it is back (the kernel reconnects by itself); online growth with xfs_growfs.
     */
    private Volume xfsVolume(Csi csi, GuestShell sh, String nodeId) throws Exception {
        VolumeCapability cap = Csi.mount("xfs");
        Volume xfs = csi.create("csi-node-xfs", XFS_BYTES, cap);
        Map<String, String> ctx = csi.publish(xfs, nodeId, cap);
        String nqn = ctx.get("subsystemNqn");
        csi.stage(xfs, ctx, XFS_STAGING, cap);
        String dev = sh.deviceOf(xfs.getVolumeId());
        assertThat(sh.mounts(XFS_STAGING)).containsExactly(dev + " xfs");
        csi.publishOnNode(xfs, ctx, XFS_STAGING, XFS_TARGET, cap);
        csi.node().nodePublishVolume(NodePublishVolumeRequest.newBuilder().setVolumeId(xfs.getVolumeId())
                .putAllPublishContext(ctx).setStagingTargetPath(XFS_STAGING).setTargetPath(XFS_READ_ONLY_TARGET)
                .setVolumeCapability(cap).setReadonly(true).build());
        String sum = sh.out("sh", "-c", "head -c 1048576 /dev/urandom > \"$1/payload\" && sync && "
                + "sha256sum < \"$1/payload\"", "sh", XFS_TARGET).trim();
        assertThat(sh.out("sh", "-c", "sha256sum < \"$1/payload\"", "sh", XFS_READ_ONLY_TARGET).trim()).isEqualTo(sum);
        assertThat(sh.out("findmnt", "-n", "-o", "OPTIONS", "--mountpoint", XFS_READ_ONLY_TARGET).split(",")[0])
                .as("the read-only publish").isEqualTo("ro");
        assertThat(sh.ok("touch", XFS_READ_ONLY_TARGET + "/nope")).as("a write through the read-only target").isFalse();

        // the brick goes away: no live path, the volume is abnormal; it comes back: the kernel reconnects
        brick.stop(BrickProcess.Stop.TERM);
        awaitCondition(csi, xfs, true);
        brick.start();
        awaitCondition(csi, xfs, false);
        assertThat(sh.out("sh", "-c", "touch \"$1/after-restart\" && sync && sha256sum < \"$1/payload\"", "sh",
                XFS_TARGET).trim()).as("the file system works again after the reconnect").isEqualTo(sum);

        long xfsTotal = Csi.usage(csi.stats(xfs, XFS_TARGET), VolumeUsage.Unit.BYTES).getTotal();
        assertThat(csi.controller().controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                .setVolumeId(xfs.getVolumeId()).setVolumeCapability(cap)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(XFS_GROWN_BYTES)).build())
                .getCapacityBytes()).isEqualTo(XFS_GROWN_BYTES);
        csi.node().nodeExpandVolume(NodeExpandVolumeRequest.newBuilder().setVolumeId(xfs.getVolumeId())
                .setVolumePath(XFS_TARGET).setStagingTargetPath(XFS_STAGING).setVolumeCapability(cap)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(XFS_GROWN_BYTES)).build());
        assertThat(sh.bytes(dev)).isEqualTo(XFS_GROWN_BYTES);
        // xfs counts its internal log (64 MiB here) out of the total: compare with the total before
        assertThat(Csi.usage(csi.stats(xfs, XFS_TARGET), VolumeUsage.Unit.BYTES).getTotal() - xfsTotal)
                .as("xfs_growfs added the new space to xfs").isEqualTo(XFS_GROWN_BYTES - XFS_BYTES);

        csi.unpublish(xfs, XFS_READ_ONLY_TARGET);
        csi.unpublish(xfs, XFS_TARGET);
        csi.unstage(xfs, XFS_STAGING);
        sh.awaitNoController(nqn);
        return xfs;
    }

    /** Polls NodeGetVolumeStats until the volume condition is {@code abnormal}; the kernel notices within seconds. */
    private static void awaitCondition(Csi csi, Volume v, boolean abnormal) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            var condition = csi.stats(v, XFS_TARGET).getVolumeCondition();
            if (condition.getAbnormal() == abnormal) {
                System.out.println("=== volume condition: " + condition.getMessage());
                return;
            }
            assertThat(System.nanoTime() - deadline).as("volume condition still " + condition.getMessage()).isNegative();
            Thread.sleep(1000);
        }
    }

    private static long seconds(long sinceNanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sinceNanos);
    }

    /** Blocking stubs over the plugin's socket, and the requests this test sends. */
    record Csi(IdentityGrpc.IdentityBlockingStub identity, ControllerGrpc.ControllerBlockingStub controller,
               NodeGrpc.NodeBlockingStub node) {
        Csi(CsiChannel channel) {
            this(IdentityGrpc.newBlockingStub(channel.channel()), ControllerGrpc.newBlockingStub(channel.channel()),
                    NodeGrpc.newBlockingStub(channel.channel()));
        }

        @Override
        public ControllerGrpc.ControllerBlockingStub controller() {
            return controller.withDeadlineAfter(RPC_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public NodeGrpc.NodeBlockingStub node() {
            return node.withDeadlineAfter(RPC_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }

        static VolumeCapability mount(String fsType) {
            return VolumeCapability.newBuilder().setMount(VolumeCapability.MountVolume.newBuilder().setFsType(fsType))
                    .setAccessMode(writer()).build();
        }

        static VolumeCapability block() {
            return VolumeCapability.newBuilder().setBlock(VolumeCapability.BlockVolume.getDefaultInstance())
                    .setAccessMode(writer()).build();
        }

        private static VolumeCapability.AccessMode writer() {
            return VolumeCapability.AccessMode.newBuilder().setMode(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER)
                    .build();
        }

        static VolumeUsage usage(NodeGetVolumeStatsResponse stats, VolumeUsage.Unit unit) {
            return stats.getUsageList().stream().filter(u -> u.getUnit() == unit).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + unit + " usage in " + stats));
        }

        Volume create(String name, long bytes, VolumeCapability cap) {
            return controller().createVolume(CreateVolumeRequest.newBuilder().setName(name).addVolumeCapabilities(cap)
                    .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes)).build()).getVolume();
        }

        Map<String, String> publish(Volume v, String nodeId, VolumeCapability cap) {
            return controller().controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder()
                    .setVolumeId(v.getVolumeId()).setNodeId(nodeId).setVolumeCapability(cap).build())
                    .getPublishContextMap();
        }

        void stage(Volume v, Map<String, String> ctx, String staging, VolumeCapability cap) {
            node().nodeStageVolume(NodeStageVolumeRequest.newBuilder().setVolumeId(v.getVolumeId())
                    .putAllPublishContext(ctx).setStagingTargetPath(staging).setVolumeCapability(cap).build());
        }

        void publishOnNode(Volume v, Map<String, String> ctx, String staging, String target, VolumeCapability cap) {
            node().nodePublishVolume(NodePublishVolumeRequest.newBuilder().setVolumeId(v.getVolumeId())
                    .putAllPublishContext(ctx).setStagingTargetPath(staging).setTargetPath(target)
                    .setVolumeCapability(cap).build());
        }

        NodeGetVolumeStatsResponse stats(Volume v, String path) {
            return node().nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder().setVolumeId(v.getVolumeId())
                    .setVolumePath(path).build());
        }

        void unpublish(Volume v, String target) {
            node().nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(v.getVolumeId())
                    .setTargetPath(target).build());
        }

        void unstage(Volume v, String staging) {
            node().nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder().setVolumeId(v.getVolumeId())
                    .setStagingTargetPath(staging).build());
        }
    }

    /** What the guest's kernel shows, asked through the same runner the node service uses. */
    record GuestShell(GuestCommandRunner runner) {
        /** The command's stdout; it must succeed. */
        String out(String... argv) throws Exception {
            var r = runner.run(List.of(argv));
            assertThat(r.exitCode()).as(String.join(" ", argv) + " in the guest: " + r.stderr()).isZero();
            return r.stdout();
        }

        boolean ok(String... argv) throws Exception {
            return runner.run(List.of(argv)).ok();
        }

        /** "SOURCE FSTYPE" of every mount at exactly this path. */
        List<String> mounts(String path) throws Exception {
            String out = runner.run(List.of("findmnt", "-n", "-o", "SOURCE,FSTYPE", "--mountpoint", path)).stdout();
            return out.lines().map(l -> String.join(" ", l.trim().split("\\s+"))).filter(l -> !l.isEmpty()).toList();
        }

        /** The namespace device (the multipath head, not a hidden path device nvmeXcYnZ) whose UUID is the volume id. */
        String deviceOf(String volumeId) throws Exception {
            List<String> heads = out("sh", "-c", "grep -l -i -x -F \"$1\" /sys/block/nvme*/uuid", "sh", volumeId).lines()
                    .filter(f -> f.matches("/sys/block/nvme\\d+n\\d+/uuid")).toList();
            assertThat(heads).as("one namespace with UUID " + volumeId).hasSize(1);
            return "/dev/" + heads.getFirst().split("/")[3];
        }

        long bytes(String device) throws Exception {
            return Long.parseLong(out("cat", "/sys/block/" + device.substring("/dev/".length()) + "/size").trim()) * 512;
        }

        /** How many of the kernel's NVMe controllers belong to the subsystem. */
        int controllersOf(String nqn) throws Exception {
            String out = runner.run(List.of("sh", "-c", "cat /sys/class/nvme/*/subsysnqn 2>/dev/null; true")).stdout();
            return (int) out.lines().map(String::trim).filter(nqn::equals).count();
        }

        String headSum(String path, long bytes) throws Exception {
            return out("sh", "-c", "head -c \"$2\" \"$1\" | sha256sum", "sh", path, Long.toString(bytes)).trim();
        }

        /** nvme disconnect removes the controller at once; allow the kernel a moment to finish. */
        void awaitNoController(String nqn) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (controllersOf(nqn) != 0) {
                assertThat(System.nanoTime() - deadline).as("controllers of " + nqn + " left after unstage: "
                        + Arrays.toString(out("sh", "-c", "ls /sys/class/nvme; true").split("\n"))).isNegative();
                Thread.sleep(500);
            }
        }
    }
}
