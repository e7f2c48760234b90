package io.basalt.csi.node;

import csi.v1.NodeExpandVolumeRequest;
import csi.v1.NodePublishVolumeRequest;
import csi.v1.NodeStageVolumeRequest;
import csi.v1.VolumeCapability;
import io.basalt.csi.rpc.Capabilities;
import io.basalt.csi.rpc.CsiErrors;
import io.basalt.csi.rpc.PublishContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A volume's life on this node, each step idempotent (the CO repeats any call whose answer it lost):
 *
 * <ol>
 *   <li><b>stage</b>: connect to the volume's subsystem — once per node, every path, unless already
 *       connected — wait for the namespace by its UUID, and for a file system volume make the file
 *       system if the device is blank and mount it at the staging path;</li>
 *   <li><b>publish</b>: bind the staging mount (or, for raw block, the device node) at the pod's
 *       target path, read-only when asked;</li>
 *   <li><b>unpublish</b>: unmount and remove the target;</li>
 *   <li><b>unstage</b>: unmount the staging path and disconnect the subsystem once no staged volume
 *       uses it.</li>
 * </ol>
 *
 * Steps on volumes of one subsystem are serialised (one lock per subsystem NQN), so two volumes
 * staged at once connect once and an unstage never disconnects under a stage.
 */
final class VolumeAttacher {
    private static final String DEFAULT_FS = Capabilities.FS_TYPES.getFirst();

    private final NodeSettings settings;
    private final HostCommands host;
    private final StagedVolumes staged;
    private final ConcurrentMap<String, Object> subsystemLocks = new ConcurrentHashMap<>();

    VolumeAttacher(NodeSettings settings, HostCommands host, StagedVolumes staged) {
        this.settings = settings;
        this.host = host;
        this.staged = staged;
    }

    void stage(NodeStageVolumeRequest req, String hostNqn) {
        VolumeCapability cap = req.getVolumeCapability();
        Capabilities.require(List.of(cap));
        PublishContext ctx = PublishContext.fromMap(req.getPublishContextMap());
        String path = req.getStagingTargetPath();
        synchronized (lock(ctx.subsystemNqn())) {
            StagedVolumes.Staged before = staged.get(req.getVolumeId());
            // A raw block volume leaves no mount to find: it is staged still only while the device it
            // recorded is its namespace (after a node restart the kernel has no connection, or gave
            // the name to another volume, while the state directory still records the volume).
            if (before != null && before.stagingPath().equals(path)
                    && (before.block() ? host.isNamespace(before.device(), ctx.uuid()) : host.mounted(path))) {
                return;
            }
            if (!host.connected(ctx.subsystemNqn())) {
                connectAll(ctx, hostNqn);
            }
            String device = host.waitForDevice(ctx.uuid(), settings.deviceTimeout());
            String fs = "";
            if (cap.hasMount()) {
                fs = cap.getMount().getFsType().isEmpty() ? DEFAULT_FS : cap.getMount().getFsType();
                String existing = host.fsType(device);
                if (existing.isEmpty()) {
                    host.mkfs(fs, device);
                } else if (!existing.equals(fs)) {
                    throw CsiErrors.failedPrecondition("volume " + req.getVolumeId() + " holds " + existing
                            + ", not the " + fs + " asked for; it is never reformatted");
                }
                host.makeDirectory(path);
                if (!host.mounted(path)) {
                    host.mount(device, path, fs, cap.getMount().getMountFlagsList());
                }
            }
            staged.put(new StagedVolumes.Staged(req.getVolumeId(), ctx.subsystemNqn(), device, path, fs));
        }
    }

    /** Connects every path; one path that answers is enough (the rest join when they come back). */
    private void connectAll(PublishContext ctx, String hostNqn) {
        List<String> failures = new ArrayList<>();
        for (String target : ctx.targets()) {
            try {
                host.connect(target, ctx.subsystemNqn(), hostNqn, settings.ctrlLossTmo(), settings.reconnectDelay());
            } catch (RuntimeException e) {
                failures.add(e.getMessage());
            }
        }
        if (failures.size() == ctx.targets().size()) {
            throw CsiErrors.unavailable("no path to " + ctx.subsystemNqn() + " connects: " + failures);
        }
    }

    void publish(NodePublishVolumeRequest req) {
        VolumeCapability cap = req.getVolumeCapability();
        Capabilities.require(List.of(cap));
        StagedVolumes.Staged s = staged.get(req.getVolumeId());
        if (s == null || !s.stagingPath().equals(req.getStagingTargetPath())) {
            throw CsiErrors.failedPrecondition("volume " + req.getVolumeId() + " is not staged at "
                    + req.getStagingTargetPath());
        }
        if (cap.hasBlock() != s.block()) {
            throw CsiErrors.failedPrecondition("volume " + req.getVolumeId() + " was staged as "
                    + (s.block() ? "a raw block device" : "a file system") + "; publish it the same way");
        }
        String target = req.getTargetPath();
        if (host.mounted(target)) {
            return;
        }
        boolean readOnly = req.getReadonly() || Capabilities.readOnlyMode(cap);
        if (s.block()) {
            host.makeFile(target);
            host.bindMount(s.device(), target, readOnly);
        } else {
            host.makeDirectory(target);
            host.bindMount(s.stagingPath(), target, readOnly);
        }
    }

    void unpublish(String target) {
        if (host.mounted(target)) {
            host.unmount(target);
        }
        if (host.exists(target)) {
            host.removeTarget(target);
        }
    }

    void unstage(String volumeId, String path) {
        StagedVolumes.Staged s = staged.get(volumeId);
        if (s == null) {
            if (host.mounted(path)) {
                host.unmount(path);
            }
            return;
        }
        synchronized (lock(s.subsystemNqn())) {
            if (host.mounted(path)) {
                host.unmount(path);
            }
            staged.remove(volumeId);
            if (staged.ofSubsystem(s.subsystemNqn()).isEmpty() && host.connected(s.subsystemNqn())) {
                host.disconnect(s.subsystemNqn());
            }
        }
    }

    /** Waits for the device to show the new size, then grows the file system; answers the device's size. */
    long expand(NodeExpandVolumeRequest req) {
        StagedVolumes.Staged s = staged.get(req.getVolumeId());
        if (s == null) {
            throw CsiErrors.notFound("volume " + req.getVolumeId() + " is not staged on this node");
        }
        if (!host.exists(req.getVolumePath())) {
            throw CsiErrors.notFound("volume_path " + req.getVolumePath() + " does not exist");
        }
        long size = host.waitForSize(s.device(), req.getCapacityRange().getRequiredBytes(), settings.deviceTimeout());
        if (!s.block()) {
            host.growFileSystem(s.fsType(), s.device(), s.stagingPath());
        }
        return size;
    }

    private Object lock(String subsystemNqn) {
        return subsystemLocks.computeIfAbsent(subsystemNqn, k -> new Object());
    }
}
