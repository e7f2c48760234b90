package io.basalt.api.model;

/** Every error response's body. */
public record ErrorBody(String code, String reason) {
}
