package io.basalt.api.model;

import java.util.Map;

/** {@code GET /health}: {@code ok} or {@code degraded}, with each check's verdict. */
public record HealthView(String status, Map<String, String> checks) {
}
