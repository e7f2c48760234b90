package io.basalt.csi.controller;

import com.google.protobuf.Int64Value;
import csi.v1.ControllerExpandVolumeRequest;
import csi.v1.ControllerExpandVolumeResponse;
import csi.v1.ControllerGetCapabilitiesRequest;
import csi.v1.ControllerGetCapabilitiesResponse;
import csi.v1.ControllerGetVolumeRequest;
import csi.v1.ControllerGetVolumeResponse;
import csi.v1.ControllerGrpc;
import csi.v1.ControllerPublishVolumeRequest;
import csi.v1.ControllerPublishVolumeResponse;
import csi.v1.ControllerServiceCapability;
import csi.v1.ControllerServiceCapability.RPC.Type;
import csi.v1.ControllerUnpublishVolumeRequest;
import csi.v1.ControllerUnpublishVolumeResponse;
import csi.v1.CreateSnapshotRequest;
import csi.v1.CreateSnapshotResponse;
import csi.v1.CreateVolumeRequest;
import csi.v1.CreateVolumeResponse;
import csi.v1.DeleteSnapshotRequest;
import csi.v1.DeleteSnapshotResponse;
import csi.v1.DeleteVolumeRequest;
import csi.v1.DeleteVolumeResponse;
import csi.v1.GetCapacityRequest;
import csi.v1.GetCapacityResponse;
import csi.v1.ListSnapshotsRequest;
import csi.v1.ListSnapshotsResponse;
import csi.v1.ListVolumesRequest;
import csi.v1.ListVolumesResponse;
import csi.v1.ValidateVolumeCapabilitiesRequest;
import csi.v1.ValidateVolumeCapabilitiesResponse;
import io.basalt.api.ApiException;
import io.basalt.api.model.BrickInfo;
import io.basalt.api.model.BrickView;
import io.basalt.api.model.VolumePage;
import io.basalt.api.model.VolumeView;
import io.basalt.csi.brick.BasaltApi;
import io.basalt.csi.rpc.Capabilities;
import io.basalt.csi.rpc.CsiErrors;
import io.basalt.csi.rpc.FailureDomains;
import io.basalt.csi.rpc.PublishContext;
import io.basalt.csi.rpc.Rpc;
import io.grpc.stub.StreamObserver;

import java.util.List;

/**
 * The CSI Controller service: volumes and snapshots through the Basalt REST API, and per-node
 * masking — ControllerPublishVolume allows the node's host NQN on the volume, Unpublish revokes it,
 * so a node sees exactly the volumes published to it. Creating a volume and the snapshot RPCs are
 * in {@link VolumeCreator} and {@link SnapshotOperations}; this class checks requests and answers.
 */
public final class ControllerService extends ControllerGrpc.ControllerImplBase {
    /** An NVMe qualified name: "nqn." and at most 223 bytes (NVMe base specification). */
    private static final int MAX_NQN_BYTES = 223;
    private static final int API_MAX_PAGE = 1000;
    private static final List<Type> CAPABILITIES = List.of(Type.CREATE_DELETE_VOLUME, Type.PUBLISH_UNPUBLISH_VOLUME,
            Type.LIST_VOLUMES, Type.GET_CAPACITY, Type.CREATE_DELETE_SNAPSHOT, Type.LIST_SNAPSHOTS, Type.CLONE_VOLUME,
            Type.EXPAND_VOLUME, Type.LIST_VOLUMES_PUBLISHED_NODES, Type.VOLUME_CONDITION, Type.GET_VOLUME,
            Type.SINGLE_NODE_MULTI_WRITER);

    private final BasaltApi api;
    private final ControllerSettings settings;
    private final InFlight inFlight = new InFlight();
    private final VolumeCreator creator;
    private final SnapshotOperations snapshots;

    public ControllerService(BasaltApi api, ControllerSettings settings) {
        this.api = api;
        this.settings = settings;
        this.creator = new VolumeCreator(api, settings, inFlight);
        this.snapshots = new SnapshotOperations(api, inFlight);
    }

    @Override
    public void createVolume(CreateVolumeRequest req, StreamObserver<CreateVolumeResponse> out) {
        Rpc.unary("CreateVolume", out, () -> creator.create(req));
    }

    @Override
    public void deleteVolume(DeleteVolumeRequest req, StreamObserver<DeleteVolumeResponse> out) {
        Rpc.unary("DeleteVolume", out, () -> {
            String uuid = Ids.volumeUuid(requireVolumeId(req.getVolumeId()));
            if (uuid != null) {
                try (InFlight.Handle _ = inFlight.begin(uuid)) {
                    api.deleteVolume(uuid); // gone already: success, as the spec asks
                }
            }
            return DeleteVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void controllerPublishVolume(ControllerPublishVolumeRequest req,
                                        StreamObserver<ControllerPublishVolumeResponse> out) {
        Rpc.unary("ControllerPublishVolume", out, () -> {
            requireVolumeId(req.getVolumeId());
            if (req.getNodeId().isEmpty()) {
                throw CsiErrors.invalid("node_id is required");
            }
            if (!req.hasVolumeCapability()) {
                throw CsiErrors.invalid("volume_capability is required");
            }
            Capabilities.require(List.of(req.getVolumeCapability()));
            VolumeView v = existing(req.getVolumeId());
            if (!isNqn(req.getNodeId())) {
                throw CsiErrors.notFound("node '" + req.getNodeId() + "' is not a host NQN; node ids are host NQNs");
            }
            try (InFlight.Handle _ = inFlight.begin(v.uuid())) {
                List<String> others = Volumes.publishedTo(v).stream().filter(h -> !h.equals(req.getNodeId())).toList();
                if (Capabilities.singleNode(req.getVolumeCapability()) && !others.isEmpty()) {
                    throw CsiErrors.failedPrecondition("volume is published to " + others
                            + " and its access mode allows one node");
                }
                VolumeView published = api.allowHost(v.uuid(), req.getNodeId());
                BrickInfo brick = api.brick();
                PublishContext ctx = new PublishContext(brick.subsystemNqn(), Volumes.targets(brick, api.bricks(), settings),
                        published.nsid(), published.uuid());
                return ControllerPublishVolumeResponse.newBuilder().putAllPublishContext(ctx.toMap()).build();
            }
        });
    }

    @Override
    public void controllerUnpublishVolume(ControllerUnpublishVolumeRequest req,
                                          StreamObserver<ControllerUnpublishVolumeResponse> out) {
        Rpc.unary("ControllerUnpublishVolume", out, () -> {
            String uuid = Ids.volumeUuid(requireVolumeId(req.getVolumeId()));
            VolumeView v = uuid == null ? null : api.volume(uuid).orElse(null);
            if (v != null) {
                try (InFlight.Handle _ = inFlight.begin(v.uuid())) {
                    // No node named: unpublish from every node (spec).
                    List<String> nodes = req.getNodeId().isEmpty() ? Volumes.publishedTo(v) : List.of(req.getNodeId());
                    for (String node : nodes) {
                        if (Volumes.publishedTo(v).contains(node)) {
                            api.revokeHost(v.uuid(), node);
                        }
                    }
                }
            }
            return ControllerUnpublishVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest req,
                                           StreamObserver<ValidateVolumeCapabilitiesResponse> out) {
        Rpc.unary("ValidateVolumeCapabilities", out, () -> {
            requireVolumeId(req.getVolumeId());
            String why = Capabilities.unsupported(req.getVolumeCapabilitiesList());
            existing(req.getVolumeId());
            VolumeParameters.parse(req.getParametersMap());
            ValidateVolumeCapabilitiesResponse.Builder b = ValidateVolumeCapabilitiesResponse.newBuilder();
            if (why != null) {
                return b.setMessage(why).build();
            }
            return b.setConfirmed(ValidateVolumeCapabilitiesResponse.Confirmed.newBuilder()
                    .putAllVolumeContext(req.getVolumeContextMap())
                    .addAllVolumeCapabilities(req.getVolumeCapabilitiesList())
                    .putAllParameters(req.getParametersMap())).build();
        });
    }

    @Override
    public void listVolumes(ListVolumesRequest req, StreamObserver<ListVolumesResponse> out) {
        Rpc.unary("ListVolumes", out, () -> {
            if (req.getMaxEntries() < 0) {
                throw CsiErrors.invalid("max_entries must not be negative");
            }
            int limit = req.getMaxEntries() == 0 ? API_MAX_PAGE : Math.min(req.getMaxEntries(), API_MAX_PAGE);
            VolumePage page;
            try {
                page = api.volumes(limit, req.getStartingToken());
            } catch (ApiException e) {
                if (e.status() == 400 && !req.getStartingToken().isEmpty()) {
                    throw CsiErrors.aborted("starting_token '" + req.getStartingToken() + "' is not valid: " + e.reason());
                }
                throw e;
            }
            ListVolumesResponse.Builder b = ListVolumesResponse.newBuilder();
            for (VolumeView v : page.items()) {
                b.addEntries(ListVolumesResponse.Entry.newBuilder()
                        .setVolume(Volumes.toCsi(v, settings.zone()))
                        .setStatus(ListVolumesResponse.VolumeStatus.newBuilder()
                                .addAllPublishedNodeIds(Volumes.publishedTo(v))
                                .setVolumeCondition(Volumes.condition(v))));
            }
            return b.setNextToken(page.nextPageToken() == null ? "" : page.nextPageToken()).build();
        });
    }

    @Override
    public void getCapacity(GetCapacityRequest req, StreamObserver<GetCapacityResponse> out) {
        Rpc.unary("GetCapacity", out, () -> {
            VolumeParameters params = VolumeParameters.parse(req.getParametersMap());
            GetCapacityResponse.Builder b = GetCapacityResponse.newBuilder()
                    .setMinimumVolumeSize(Int64Value.of(params.blockSizeOrDefault()));
            boolean here = !req.hasAccessibleTopology() || settings.zone().within(req.getAccessibleTopology());
            boolean supported = req.getVolumeCapabilitiesCount() == 0
                    || Capabilities.unsupported(req.getVolumeCapabilitiesList()) == null;
            if (!here || !supported) {
                return b.setAvailableCapacity(0).build();
            }
            // The segment's failure domains name the bricks whose free space it has (none: every brick).
            List<BrickView> bricks = api.bricks();
            List<BrickView> in = DomainTopology.activeIn(bricks,
                    FailureDomains.of(req.getAccessibleTopology()));
            if (in.isEmpty()) {
                return b.setAvailableCapacity(0).build();
            }
            // A lone brick's volumes are thin: one may be as large as the API allows. A cluster places a
            // volume only on bricks with room for all of it.
            long largest = Volumes.cluster(bricks) ? in.stream().mapToLong(BrickView::freeBytes).max().orElseThrow()
                    : Sizes.MAX_BYTES;
            return b.setAvailableCapacity(in.stream().mapToLong(BrickView::freeBytes).sum())
                    .setMaximumVolumeSize(Int64Value.of(largest)).build();
        });
    }

    @Override
    public void controllerGetCapabilities(ControllerGetCapabilitiesRequest req,
                                          StreamObserver<ControllerGetCapabilitiesResponse> out) {
        Rpc.unary("ControllerGetCapabilities", out, () -> {
            ControllerGetCapabilitiesResponse.Builder b = ControllerGetCapabilitiesResponse.newBuilder();
            for (Type t : CAPABILITIES) {
                b.addCapabilities(ControllerServiceCapability.newBuilder()
                        .setRpc(ControllerServiceCapability.RPC.newBuilder().setType(t)));
            }
            return b.build();
        });
    }

    @Override
    public void createSnapshot(CreateSnapshotRequest req, StreamObserver<CreateSnapshotResponse> out) {
        Rpc.unary("CreateSnapshot", out, () -> snapshots.create(req));
    }

    @Override
    public void deleteSnapshot(DeleteSnapshotRequest req, StreamObserver<DeleteSnapshotResponse> out) {
        Rpc.unary("DeleteSnapshot", out, () -> snapshots.delete(req));
    }

    @Override
    public void listSnapshots(ListSnapshotsRequest req, StreamObserver<ListSnapshotsResponse> out) {
        Rpc.unary("ListSnapshots", out, () -> snapshots.list(req));
    }

    @Override
    public void controllerExpandVolume(ControllerExpandVolumeRequest req,
                                       StreamObserver<ControllerExpandVolumeResponse> out) {
        Rpc.unary("ControllerExpandVolume", out, () -> {
            requireVolumeId(req.getVolumeId());
            if (!req.hasCapacityRange()) {
                throw CsiErrors.invalid("capacity_range is required");
            }
            VolumeView v = existing(req.getVolumeId());
            long wanted = Sizes.roundUp(req.getCapacityRange().getRequiredBytes(), v.blockSize());
            long limit = req.getCapacityRange().getLimitBytes();
            if (limit > 0 && wanted > limit) {
                throw CsiErrors.outOfRange("no whole number of " + v.blockSize() + "-byte blocks fits the range");
            }
            long size = v.sizeBytes();
            if (wanted > size) { // never shrinks: a smaller request is already met
                try (InFlight.Handle _ = inFlight.begin(v.uuid())) {
                    size = api.resize(v.uuid(), wanted).sizeBytes();
                } catch (ApiException e) {
                    throw e.status() == 400 || e.status() == 422 ? CsiErrors.outOfRange(e.reason()) : e;
                }
            }
            boolean block = req.hasVolumeCapability() && req.getVolumeCapability().hasBlock();
            return ControllerExpandVolumeResponse.newBuilder().setCapacityBytes(size)
                    .setNodeExpansionRequired(!block).build();
        });
    }

    @Override
    public void controllerGetVolume(ControllerGetVolumeRequest req, StreamObserver<ControllerGetVolumeResponse> out) {
        Rpc.unary("ControllerGetVolume", out, () -> {
            requireVolumeId(req.getVolumeId());
            VolumeView v = existing(req.getVolumeId());
            return ControllerGetVolumeResponse.newBuilder().setVolume(Volumes.toCsi(v, settings.zone()))
                    .setStatus(ControllerGetVolumeResponse.VolumeStatus.newBuilder()
                            .addAllPublishedNodeIds(Volumes.publishedTo(v))
                            .setVolumeCondition(Volumes.condition(v))).build();
        });
    }

    private static String requireVolumeId(String id) {
        if (id.isEmpty()) {
            throw CsiErrors.invalid("volume_id is required");
        }
        return id;
    }

    /** The volume a request names, or NOT_FOUND. */
    private VolumeView existing(String volumeId) {
        String uuid = Ids.volumeUuid(volumeId);
        return (uuid == null ? java.util.Optional.<VolumeView>empty() : api.volume(uuid))
                .orElseThrow(() -> CsiErrors.notFound("no volume '" + volumeId + "'"));
    }

    private static boolean isNqn(String s) {
        return s.startsWith("nqn.") && s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_NQN_BYTES;
    }
}
