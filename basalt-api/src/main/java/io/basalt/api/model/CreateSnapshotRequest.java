package io.basalt.api.model;

/** {@code POST /api/v1/volumes/{name}/snapshots}: the new snapshot's name (idempotent by name). */
public record CreateSnapshotRequest(String name) {
}
