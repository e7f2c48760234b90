package io.basalt.csi.controller;

import com.google.protobuf.Timestamp;
import csi.v1.CreateSnapshotRequest;
import csi.v1.CreateSnapshotResponse;
import csi.v1.DeleteSnapshotRequest;
import csi.v1.DeleteSnapshotResponse;
import csi.v1.ListSnapshotsRequest;
import csi.v1.ListSnapshotsResponse;
import csi.v1.Snapshot;
import io.basalt.api.ApiException;
import io.basalt.api.model.SnapshotView;
import io.basalt.api.model.VolumePage;
import io.basalt.api.model.VolumeView;
import io.basalt.csi.brick.BasaltApi;
import io.basalt.csi.rpc.CsiErrors;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CreateSnapshot, DeleteSnapshot and ListSnapshots over the API's per-volume snapshots. CSI snapshot
 * names are unique across the whole plugin while the API's are per volume, so a create looks for
 * the name on every volume: found on the same volume it is the idempotent answer, on another one it
 * is ALREADY_EXISTS. Listing walks every volume's snapshots (volumes by name, snapshots oldest
 * first) and pages over that order with the offset as the token.
 */
final class SnapshotOperations {
    private static final int API_PAGE = 1000;

    private final BasaltApi api;
    private final InFlight inFlight;

    SnapshotOperations(BasaltApi api, InFlight inFlight) {
        this.api = api;
        this.inFlight = inFlight;
    }

    CreateSnapshotResponse create(CreateSnapshotRequest req) {
        if (req.getName().isEmpty()) {
            throw CsiErrors.invalid("name is required");
        }
        if (req.getSourceVolumeId().isEmpty()) {
            throw CsiErrors.invalid("source_volume_id is required");
        }
        List<String> unknown = req.getParametersMap().keySet().stream()
                .filter(k -> !k.startsWith(VolumeParameters.CO_PREFIX)).toList();
        if (!unknown.isEmpty()) {
            throw CsiErrors.invalid("snapshots take no parameters, not " + unknown);
        }
        String name = Ids.apiName(req.getName());
        String uuid = Ids.volumeUuid(req.getSourceVolumeId());
        try (InFlight.Handle _ = inFlight.begin("snapshot " + name)) {
            VolumeView source = uuid == null ? null : api.volume(uuid).orElse(null);
            if (source == null) {
                throw CsiErrors.notFound("no source volume '" + req.getSourceVolumeId() + "'");
            }
            for (Entry e : all()) {
                if (e.snapshot().name().equals(name) && !e.volumeUuid().equals(source.uuid())) {
                    throw CsiErrors.alreadyExists("snapshot '" + req.getName() + "' exists, of another volume ("
                            + e.volumeUuid() + ")");
                }
            }
            SnapshotView taken;
            try {
                taken = api.createSnapshot(source.uuid(), name);
            } catch (ApiException e) {
                throw e.status() == 422 ? CsiErrors.failedPrecondition("volume '" + source.name()
                        + "' cannot be snapshotted: " + e.reason()) : e;
            }
            return CreateSnapshotResponse.newBuilder().setSnapshot(toCsi(source.uuid(), taken)).build();
        }
    }

    DeleteSnapshotResponse delete(DeleteSnapshotRequest req) {
        if (req.getSnapshotId().isEmpty()) {
            throw CsiErrors.invalid("snapshot_id is required");
        }
        Ids.SnapshotId id = Ids.SnapshotId.parse(req.getSnapshotId());
        if (id != null) {
            try (InFlight.Handle _ = inFlight.begin("snapshot " + id.name())) {
                api.deleteSnapshot(id.volumeUuid(), id.name());
            }
        }
        return DeleteSnapshotResponse.getDefaultInstance();
    }

    ListSnapshotsResponse list(ListSnapshotsRequest req) {
        if (req.getMaxEntries() < 0) {
            throw CsiErrors.invalid("max_entries must not be negative");
        }
        List<Entry> entries;
        if (!req.getSnapshotId().isEmpty()) {
            Ids.SnapshotId id = Ids.SnapshotId.parse(req.getSnapshotId());
            entries = id == null ? List.of() : of(id.volumeUuid()).stream()
                    .filter(e -> e.snapshot().name().equals(id.name())).toList();
        } else if (!req.getSourceVolumeId().isEmpty()) {
            String uuid = Ids.volumeUuid(req.getSourceVolumeId());
            entries = uuid == null ? List.of() : of(uuid);
        } else {
            entries = all();
        }
        int from = offset(req.getStartingToken(), entries.size());
        int to = req.getMaxEntries() == 0 ? entries.size() : Math.min(entries.size(), from + req.getMaxEntries());
        ListSnapshotsResponse.Builder out = ListSnapshotsResponse.newBuilder();
        for (Entry e : entries.subList(from, to)) {
            out.addEntries(ListSnapshotsResponse.Entry.newBuilder().setSnapshot(toCsi(e.volumeUuid(), e.snapshot())));
        }
        return out.setNextToken(to < entries.size() ? Integer.toString(to) : "").build();
    }

    /** A starting token is an offset this plugin handed out; anything else is ABORTED, as the spec asks. */
    private static int offset(String token, int size) {
        if (token.isEmpty()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(token);
            if (n >= 0 && n <= size) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal
        }
        throw CsiErrors.aborted("starting_token '" + token + "' is not one this plugin handed out");
    }

    private record Entry(String volumeUuid, SnapshotView snapshot) {
    }

    /** Every snapshot of every volume that can have snapshots. */
    private List<Entry> all() {
        List<Entry> out = new ArrayList<>();
        String token = null;
        do {
            VolumePage page = api.volumes(API_PAGE, token);
            for (VolumeView v : page.items()) {
                out.addAll(of(v.uuid()));
            }
            token = page.nextPageToken();
        } while (token != null && !token.isEmpty());
        return out;
    }

    /** A volume's snapshots; none for a volume that does not exist or cannot have snapshots. */
    private List<Entry> of(String volumeUuid) {
        List<SnapshotView> snaps;
        try {
            snaps = api.snapshots(volumeUuid);
        } catch (ApiException e) {
            if (e.status() == 404 || e.status() == 422) {
                return List.of();
            }
            throw e;
        }
        return snaps.stream().map(s -> new Entry(volumeUuid, s)).toList();
    }

    private static Snapshot toCsi(String volumeUuid, SnapshotView s) {
        Snapshot.Builder b = Snapshot.newBuilder().setSnapshotId(new Ids.SnapshotId(volumeUuid, s.name()).id())
                .setSourceVolumeId(volumeUuid).setSizeBytes(s.sizeBytes()).setReadyToUse(true);
        created(s).ifPresent(t -> b.setCreationTime(Timestamp.newBuilder().setSeconds(t.getEpochSecond())
                .setNanos(t.getNano())));
        return b.build();
    }

    private static Optional<Instant> created(SnapshotView s) {
        try {
            return s.createdAt() == null ? Optional.empty() : Optional.of(Instant.parse(s.createdAt()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
