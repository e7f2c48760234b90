package io.basalt.api.model;

import java.util.List;

/** One page of {@code GET /api/v1/volumes}; pass {@code nextPageToken} back as {@code pageToken}. */
public record VolumePage(List<VolumeView> items, String nextPageToken, int total) {
}
