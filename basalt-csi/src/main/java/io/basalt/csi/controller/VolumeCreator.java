package io.basalt.csi.controller;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import csi.v1.CreateVolumeRequest;
import csi.v1.CreateVolumeResponse;
import csi.v1.VolumeContentSource;
import io.basalt.api.ApiException;
import io.basalt.api.model.SnapshotView;
import io.basalt.api.model.VolumeView;
import io.basalt.csi.brick.BasaltApi;
import io.basalt.csi.rpc.Capabilities;
import io.basalt.csi.rpc.CsiErrors;

import java.util.List;
import java.util.Objects;

/**
 * CreateVolume: idempotent by name, from nothing, a snapshot or another volume.
 *
 * <p>A name the API already holds is answered with that volume when it is compatible with the
 * request (its size within the range, the parameters given equal to what it has), and
 * ALREADY_EXISTS otherwise; the CO retries a create whose answer it lost, and must get the same
 * volume. A snapshot source becomes the API's {@code fromSnapshot} clone; a volume source is cloned
 * through a snapshot taken for the purpose and deleted once the clone exists (a clone keeps every
 * block it shares with its snapshot).
 */
final class VolumeCreator {
    private final BasaltApi api;
    private final ControllerSettings settings;
    private final InFlight inFlight;

    VolumeCreator(BasaltApi api, ControllerSettings settings, InFlight inFlight) {
        this.api = api;
        this.settings = settings;
        this.inFlight = inFlight;
    }

    /** The source's volume and, for a snapshot source, the snapshot. */
    private record Source(VolumeView volume, SnapshotView snapshot) {
        long floorBytes() {
            return snapshot != null ? snapshot.sizeBytes() : volume.sizeBytes();
        }

        int blockSize() {
            return snapshot != null ? snapshot.blockSize() : volume.blockSize();
        }
    }

    CreateVolumeResponse create(CreateVolumeRequest req) {
        if (req.getName().isEmpty()) {
            throw CsiErrors.invalid("name is required");
        }
        Capabilities.require(req.getVolumeCapabilitiesList());
        VolumeParameters params = VolumeParameters.parse(req.getParametersMap());
        DomainTopology.Domains domains = DomainTopology.of(settings.zone(), req.getAccessibilityRequirements());
        String name = Ids.apiName(req.getName());
        try (InFlight.Handle _ = inFlight.begin(name)) {
            VolumeView existing = api.volume(name).orElse(null);
            if (existing == null) {
                existing = createNew(name, req, params, domains);
            } else {
                requireCompatible(existing, req, params);
            }
            return CreateVolumeResponse.newBuilder().setVolume(Volumes.toCsi(existing, settings.zone())
                    .setContentSource(req.hasVolumeContentSource() ? req.getVolumeContentSource()
                            : VolumeContentSource.getDefaultInstance())).build();
        }
    }

    private VolumeView createNew(String name, CreateVolumeRequest req, VolumeParameters params,
                                 DomainTopology.Domains domains) {
        Source source = req.hasVolumeContentSource() ? source(req.getVolumeContentSource()) : null;
        if (source == null) {
            long size = Sizes.choose(req.getCapacityRange(), params.blockSizeOrDefault(), 0);
            return post(name, size, params, domains, null, false);
        }
        if (params.blockSize() != null && params.blockSize() != source.blockSize()) {
            throw CsiErrors.invalid("a clone has its source's " + source.blockSize() + "-byte blocks, not "
                    + params.blockSize());
        }
        requireSameServices(params, source.volume());
        long size = Sizes.choose(req.getCapacityRange(), source.blockSize(), source.floorBytes());
        if (source.snapshot() != null) {
            String ref = new Ids.SnapshotId(source.volume().uuid(), source.snapshot().name()).ref();
            return post(name, size, params, domains, ref, true);
        }
        // A volume is cloned through a snapshot of it, taken for this clone alone.
        String temporary = Ids.apiName("csi-clone." + name);
        api.createSnapshot(source.volume().uuid(), temporary);
        try {
            return post(name, size, params, domains, source.volume().uuid() + "@" + temporary, true);
        } finally {
            api.deleteSnapshot(source.volume().uuid(), temporary);
        }
    }

    private VolumeView post(String name, long size, VolumeParameters p, DomainTopology.Domains domains,
                            String fromSnapshot, boolean clone) {
        io.basalt.api.model.CreateVolumeRequest body = new io.basalt.api.model.CreateVolumeRequest(name,
                JsonNodeFactory.instance.numberNode(size), clone ? null : p.blockSize(), null, null, p.labels(),
                p.qosPolicy(), clone ? null : p.compression(), clone ? null : p.dedup(), clone ? null : p.encryption(),
                fromSnapshot, null, p.replicas(), p.failureDomainKey(), nullIfEmpty(domains.allowed()),
                nullIfEmpty(domains.preferred()));
        try {
            return api.createVolume(body);
        } catch (ApiException e) {
            if (ApiException.PLACEMENT_IMPOSSIBLE.equals(e.code())) {
                throw CsiErrors.resourceExhausted("volume '" + name + "': " + e.reason());
            }
            throw switch (e.status()) {
                case 409 -> CsiErrors.alreadyExists("volume '" + name + "': " + e.reason());
                case 404 -> clone ? CsiErrors.notFound("the source is gone: " + e.reason())
                        : CsiErrors.invalid(e.reason());
                case 400, 422 -> CsiErrors.invalid("volume '" + name + "': " + e.reason());
                default -> e;
            };
        }
    }

    private static <T> List<T> nullIfEmpty(List<T> list) {
        return list.isEmpty() ? null : list;
    }

    /** The content source, NOT_FOUND when it does not exist. */
    private Source source(VolumeContentSource src) {
        switch (src.getTypeCase()) {
            case SNAPSHOT -> {
                Ids.SnapshotId id = Ids.SnapshotId.parse(src.getSnapshot().getSnapshotId());
                if (id == null) {
                    throw CsiErrors.notFound("no snapshot '" + src.getSnapshot().getSnapshotId() + "'");
                }
                VolumeView volume = api.volume(id.volumeUuid()).orElseThrow(() ->
                        CsiErrors.notFound("no snapshot '" + id.id() + "': its volume is gone"));
                SnapshotView snapshot = api.snapshots(volume.uuid()).stream()
                        .filter(s -> s.name().equals(id.name())).findFirst()
                        .orElseThrow(() -> CsiErrors.notFound("no snapshot '" + id.id() + "'"));
                return new Source(volume, snapshot);
            }
            case VOLUME -> {
                String uuid = Ids.volumeUuid(src.getVolume().getVolumeId());
                VolumeView volume = uuid == null ? null : api.volume(uuid).orElse(null);
                if (volume == null) {
                    throw CsiErrors.notFound("no source volume '" + src.getVolume().getVolumeId() + "'");
                }
                return new Source(volume, null);
            }
            default -> throw CsiErrors.invalid("volume_content_source names neither a snapshot nor a volume");
        }
    }

    /** A clone has its source's data services; parameters that ask for others cannot be met. */
    private static void requireSameServices(VolumeParameters p, VolumeView source) {
        VolumeView.Services s = source.services();
        if (s == null) {
            return;
        }
        if ((p.compression() != null && !p.compression().equals(s.compression()))
                || (p.dedup() != null && p.dedup() != s.dedup())
                || (p.encryption() != null && !p.encryption().equals(s.encryption()))) {
            throw CsiErrors.invalid("a clone has its source's data services (compression " + s.compression()
                    + ", dedup " + s.dedup() + ", encryption " + s.encryption() + "); the parameters ask for others");
        }
    }

    /** An existing volume of the name answers the create only if it is what the request asks for. */
    private static void requireCompatible(VolumeView v, CreateVolumeRequest req, VolumeParameters p) {
        String diff = null;
        if (!Sizes.fits(v.sizeBytes(), req.getCapacityRange())) {
            diff = "size " + v.sizeBytes() + " bytes is outside the range [" + req.getCapacityRange().getRequiredBytes()
                    + ", " + req.getCapacityRange().getLimitBytes() + "]";
        } else if (p.blockSize() != null && p.blockSize() != v.blockSize()) {
            diff = "block size " + v.blockSize();
        } else if (p.qosPolicy() != null && !p.qosPolicy().equals(v.qosPolicy())) {
            diff = "QoS policy " + v.qosPolicy();
        } else if (v.services() != null && ((p.compression() != null && !p.compression().equals(v.services().compression()))
                || (p.dedup() != null && p.dedup() != v.services().dedup())
                || (p.encryption() != null && !Objects.equals(p.encryption(), v.services().encryption())))) {
            diff = "data services " + v.services();
        }
        if (diff != null) {
            throw CsiErrors.alreadyExists("volume '" + req.getName() + "' exists with a different " + diff);
        }
    }
}
