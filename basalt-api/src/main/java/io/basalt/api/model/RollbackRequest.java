package io.basalt.api.model;

/** {@code POST /api/v1/volumes/{name}/rollback}: the snapshot whose contents the volume returns to. */
public record RollbackRequest(String snapshot) {
}
