package io.basalt.csi.node;

import csi.v1.NodeExpandVolumeRequest;
import csi.v1.NodeExpandVolumeResponse;
import csi.v1.NodeGetCapabilitiesRequest;
import csi.v1.NodeGetCapabilitiesResponse;
import csi.v1.NodeGetInfoRequest;
import csi.v1.NodeGetInfoResponse;
import csi.v1.NodeGetVolumeStatsRequest;
import csi.v1.NodeGetVolumeStatsResponse;
import csi.v1.NodeGrpc;
import csi.v1.NodePublishVolumeRequest;
import csi.v1.NodePublishVolumeResponse;
import csi.v1.NodeServiceCapability;
import csi.v1.NodeStageVolumeRequest;
import csi.v1.NodeStageVolumeResponse;
import csi.v1.NodeUnpublishVolumeRequest;
import csi.v1.NodeUnpublishVolumeResponse;
import csi.v1.NodeUnstageVolumeRequest;
import csi.v1.NodeUnstageVolumeResponse;
import csi.v1.VolumeCondition;
import csi.v1.VolumeUsage;
import io.basalt.csi.rpc.CsiErrors;
import io.basalt.csi.rpc.Rpc;
import io.grpc.stub.StreamObserver;

import java.util.List;

/**
 * The CSI Node service: attaches published volumes to this host with the kernel's own NVMe/TCP
 * driver. The volume life on a node is {@link VolumeAttacher}'s (stage, publish, unpublish, unstage,
 * expand); this class checks requests, reports the node and its volumes' usage.
 */
public final class NodeService extends NodeGrpc.NodeImplBase {
    private static final List<NodeServiceCapability.RPC.Type> CAPABILITIES = List.of(
            NodeServiceCapability.RPC.Type.STAGE_UNSTAGE_VOLUME, NodeServiceCapability.RPC.Type.GET_VOLUME_STATS,
            NodeServiceCapability.RPC.Type.EXPAND_VOLUME, NodeServiceCapability.RPC.Type.VOLUME_CONDITION,
            NodeServiceCapability.RPC.Type.SINGLE_NODE_MULTI_WRITER);

    private final NodeSettings settings;
    private final HostCommands host;
    private final StagedVolumes staged;
    private final VolumeAttacher attacher;

    public NodeService(NodeSettings settings, CommandRunner runner, Polling polling) {
        this.settings = settings;
        this.host = new HostCommands(runner, polling);
        this.staged = new StagedVolumes(settings.stateDir());
        this.attacher = new VolumeAttacher(settings, host, staged);
    }

    /** The node id: the host NQN given, else the one in the host NQN file; null with the reason when neither. */
    public String nodeId() {
        if (settings.nodeId() != null && !settings.nodeId().isEmpty()) {
            return settings.nodeId();
        }
        String nqn = host.readFile(settings.hostNqnFile().toString());
        if (!nqn.startsWith("nqn.")) {
            throw CsiErrors.failedPrecondition(settings.hostNqnFile() + " holds no host NQN ('" + nqn
                    + "'); create it with: nvme gen-hostnqn > " + settings.hostNqnFile());
        }
        return nqn;
    }

    @Override
    public void nodeStageVolume(NodeStageVolumeRequest req, StreamObserver<NodeStageVolumeResponse> out) {
        Rpc.unary("NodeStageVolume", out, () -> {
            require(req.getVolumeId(), "volume_id");
            require(req.getStagingTargetPath(), "staging_target_path");
            if (!req.hasVolumeCapability()) {
                throw CsiErrors.invalid("volume_capability is required");
            }
            attacher.stage(req, nodeId());
            return NodeStageVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void nodeUnstageVolume(NodeUnstageVolumeRequest req, StreamObserver<NodeUnstageVolumeResponse> out) {
        Rpc.unary("NodeUnstageVolume", out, () -> {
            require(req.getVolumeId(), "volume_id");
            require(req.getStagingTargetPath(), "staging_target_path");
            attacher.unstage(req.getVolumeId(), req.getStagingTargetPath());
            return NodeUnstageVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void nodePublishVolume(NodePublishVolumeRequest req, StreamObserver<NodePublishVolumeResponse> out) {
        Rpc.unary("NodePublishVolume", out, () -> {
            require(req.getVolumeId(), "volume_id");
            require(req.getTargetPath(), "target_path");
            require(req.getStagingTargetPath(), "staging_target_path");
            if (!req.hasVolumeCapability()) {
                throw CsiErrors.invalid("volume_capability is required");
            }
            attacher.publish(req);
            return NodePublishVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void nodeUnpublishVolume(NodeUnpublishVolumeRequest req, StreamObserver<NodeUnpublishVolumeResponse> out) {
        Rpc.unary("NodeUnpublishVolume", out, () -> {
            require(req.getVolumeId(), "volume_id");
            require(req.getTargetPath(), "target_path");
            attacher.unpublish(req.getTargetPath());
            return NodeUnpublishVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void nodeExpandVolume(NodeExpandVolumeRequest req, StreamObserver<NodeExpandVolumeResponse> out) {
        Rpc.unary("NodeExpandVolume", out, () -> {
            require(req.getVolumeId(), "volume_id");
            require(req.getVolumePath(), "volume_path");
            long size = attacher.expand(req);
            return NodeExpandVolumeResponse.newBuilder().setCapacityBytes(size).build();
        });
    }

    @Override
    public void nodeGetVolumeStats(NodeGetVolumeStatsRequest req, StreamObserver<NodeGetVolumeStatsResponse> out) {
        Rpc.unary("NodeGetVolumeStats", out, () -> {
            require(req.getVolumeId(), "volume_id");
            require(req.getVolumePath(), "volume_path");
            if (!host.exists(req.getVolumePath())) {
                throw CsiErrors.notFound("volume_path " + req.getVolumePath() + " does not exist");
            }
            HostCommands.Usage u = host.usage(req.getVolumePath());
            NodeGetVolumeStatsResponse.Builder b = NodeGetVolumeStatsResponse.newBuilder();
            if (u.block()) {
                b.addUsage(VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.BYTES).setTotal(u.totalBytes()));
            } else {
                b.addUsage(VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.BYTES).setTotal(u.totalBytes())
                        .setAvailable(u.availableBytes()).setUsed(u.usedBytes()));
                b.addUsage(VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.INODES).setTotal(u.totalInodes())
                        .setAvailable(u.freeInodes()).setUsed(u.totalInodes() - u.freeInodes()));
            }
            StagedVolumes.Staged s = staged.get(req.getVolumeId());
            boolean live = s == null || host.anyPathLive(s.subsystemNqn());
            return b.setVolumeCondition(VolumeCondition.newBuilder().setAbnormal(!live)
                    .setMessage(live ? "at least one NVMe/TCP path is live"
                            : "no live NVMe/TCP path to " + s.subsystemNqn())).build();
        });
    }

    @Override
    public void nodeGetCapabilities(NodeGetCapabilitiesRequest req, StreamObserver<NodeGetCapabilitiesResponse> out) {
        Rpc.unary("NodeGetCapabilities", out, () -> {
            NodeGetCapabilitiesResponse.Builder b = NodeGetCapabilitiesResponse.newBuilder();
            for (NodeServiceCapability.RPC.Type t : CAPABILITIES) {
                b.addCapabilities(NodeServiceCapability.newBuilder().setRpc(NodeServiceCapability.RPC.newBuilder().setType(t)));
            }
            return b.build();
        });
    }

    @Override
    public void nodeGetInfo(NodeGetInfoRequest req, StreamObserver<NodeGetInfoResponse> out) {
        Rpc.unary("NodeGetInfo", out, () -> NodeGetInfoResponse.newBuilder().setNodeId(nodeId())
                .setAccessibleTopology(settings.topology()).build());
    }

    private static void require(String value, String field) {
        if (value.isEmpty()) {
            throw CsiErrors.invalid(field + " is required");
        }
    }
}
