package io.basalt.csi.brick;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.basalt.api.ApiException;
import io.basalt.api.client.ApiClient;
import io.basalt.api.http.Json;
import io.basalt.api.model.BrickInfo;
import io.basalt.api.model.BrickView;
import io.basalt.api.model.CreateSnapshotRequest;
import io.basalt.api.model.CreateVolumeRequest;
import io.basalt.api.model.SnapshotView;
import io.basalt.api.model.UpdateVolumeRequest;
import io.basalt.api.model.VolumePage;
import io.basalt.api.model.VolumeView;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The calls the CSI plugin makes to Basalt's management REST API (docs/openapi.yaml), typed, over the
 * project's one HTTP client ({@link ApiClient}). The same API is served by a single brick and, later,
 * by any brick of a cluster for the whole cluster, so nothing here knows which it talks to.
 *
 * <p>Answers are read leniently (unknown fields ignored, unlike the API's own strict request
 * parsing): a newer API that adds fields — a cluster's volumes gain {@code replicas} — keeps working
 * with this plugin. A refusal is the {@link ApiException} the API sent; no answer at all is an
 * {@link UncheckedIOException}, which callers turn into UNAVAILABLE.
 */
public final class BasaltApi {
    private static final ObjectMapper LENIENT = Json.MAPPER.copy()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false);
    private static final String VOLUMES = "/api/v1/volumes";

    private final ApiClient client;

    public BasaltApi(ApiClient client) {
        this.client = client;
    }

    /** Who serves the API: subsystem NQN, NVMe/TCP endpoints, capacity. */
    public BrickInfo brick() {
        return read(call(() -> client.get("/api/v1/brick")), BrickInfo.class);
    }

    /** The cluster's bricks (a lone brick answers with itself). */
    public List<BrickView> bricks() {
        return Arrays.asList(read(call(() -> client.get("/api/v1/bricks")), BrickView[].class));
    }

    /** A volume by name or UUID, or empty when there is none. */
    public Optional<VolumeView> volume(String nameOrUuid) {
        try {
            return Optional.of(read(call(() -> client.get(VOLUMES + "/" + ApiClient.encode(nameOrUuid))),
                    VolumeView.class));
        } catch (ApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Creates a volume; the API answers an identical repeat with the existing volume and a different one with 409. */
    public VolumeView createVolume(CreateVolumeRequest request) {
        return read(call(() -> client.post(VOLUMES, request)), VolumeView.class);
    }

    /** Deletes a volume; false when there was none. */
    public boolean deleteVolume(String nameOrUuid) {
        try {
            call(() -> client.delete(VOLUMES + "/" + ApiClient.encode(nameOrUuid)));
            return true;
        } catch (ApiException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** One page of volumes sorted by name; {@code pageToken} null for the first. */
    public VolumePage volumes(int limit, String pageToken) {
        String query = "?limit=" + limit + (pageToken == null || pageToken.isEmpty() ? ""
                : "&pageToken=" + ApiClient.encode(pageToken));
        return read(call(() -> client.get(VOLUMES + query)), VolumePage.class);
    }

    /** Lets a host see the volume (idempotent). */
    public VolumeView allowHost(String volume, String hostNqn) {
        return read(call(() -> client.put(hostPath(volume, hostNqn), null)), VolumeView.class);
    }

    /** Hides the volume from a host (idempotent). */
    public VolumeView revokeHost(String volume, String hostNqn) {
        return read(call(() -> client.delete(hostPath(volume, hostNqn))), VolumeView.class);
    }

    /** Grows a volume to {@code sizeBytes} (online: connected hosts are told by AEN). */
    public VolumeView resize(String volume, long sizeBytes) {
        UpdateVolumeRequest r = new UpdateVolumeRequest(null, JsonNodeFactory.instance.numberNode(sizeBytes),
                null, null, null, null);
        return read(call(() -> client.patch(VOLUMES + "/" + ApiClient.encode(volume), r)), VolumeView.class);
    }

    /** Takes a snapshot (idempotent by name). */
    public SnapshotView createSnapshot(String volume, String name) {
        return read(call(() -> client.post(snapshotsPath(volume), new CreateSnapshotRequest(name))),
                SnapshotView.class);
    }

    /** The volume's snapshots, oldest first. */
    public List<SnapshotView> snapshots(String volume) {
        return Arrays.asList(read(call(() -> client.get(snapshotsPath(volume))), SnapshotView[].class));
    }

    /** Deletes a snapshot; false when there was none (or no such volume). */
    public boolean deleteSnapshot(String volume, String name) {
        try {
            call(() -> client.delete(snapshotsPath(volume) + "/" + ApiClient.encode(name)));
            return true;
        } catch (ApiException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static String hostPath(String volume, String hostNqn) {
        return VOLUMES + "/" + ApiClient.encode(volume) + "/hosts/" + ApiClient.encode(hostNqn);
    }

    private static String snapshotsPath(String volume) {
        return VOLUMES + "/" + ApiClient.encode(volume) + "/snapshots";
    }

    private interface Call {
        ApiClient.Response send() throws IOException;
    }

    private static ApiClient.Response call(Call c) {
        try {
            return c.send();
        } catch (IOException e) {
            throw new UncheckedIOException("the Basalt API did not answer: " + e, e);
        }
    }

    private static <T> T read(ApiClient.Response r, Class<T> type) {
        try {
            return LENIENT.readValue(r.body(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("the Basalt API answered with an unexpected body: " + e.getMessage(), e);
        }
    }
}
