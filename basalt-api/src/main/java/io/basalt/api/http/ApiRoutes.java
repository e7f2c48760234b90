package io.basalt.api.http;

import io.basalt.api.ApiException;
import io.basalt.api.BrickService;
import io.basalt.api.model.CreateSnapshotRequest;
import io.basalt.api.model.CreateVolumeRequest;
import io.basalt.api.model.MoveVolumeRequest;
import io.basalt.api.model.RollbackRequest;
import io.basalt.api.model.EventView;
import io.basalt.api.model.HealthView;
import io.basalt.api.model.QosPolicyRequest;
import io.basalt.api.model.UpdateVolumeRequest;
import io.basalt.api.model.VolumePage;
import io.basalt.api.model.VolumeView;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The REST API's routes over a {@link BrickService}: what each method and path does, which role it
 * needs, and the list filters and paging. docs/openapi.yaml documents exactly these routes.
 */
public final class ApiRoutes {
    public static final String PREFIX = "/api/v1";
    public static final String OPENAPI_RESOURCE = "/io/basalt/api/openapi.yaml";
    static final int PAGE_DEFAULT = 100;
    static final int PAGE_MAX = 1000;

    private ApiRoutes() {
    }

    public static Router router(BrickService s) {
        byte[] openapi = openapi();
        Router r = new Router();
        r.add("GET", "/health", null, req -> {
            HealthView h = s.health();
            return ApiResponse.json("ok".equals(h.status()) ? 200 : 503, Json.write(h));
        });
        r.add("GET", "/openapi.yaml", null, req -> new ApiResponse(200, "application/yaml", openapi));
        r.add("GET", "/metrics", Role.VIEWER, req -> new ApiResponse(200,
                "text/plain; version=0.0.4; charset=utf-8", s.metrics().getBytes(StandardCharsets.UTF_8)));
        r.add("GET", PREFIX + "/brick", Role.VIEWER, req -> ok(s.info()));
        r.add("GET", PREFIX + "/cluster", Role.VIEWER, req -> ok(s.cluster()));
        r.add("GET", PREFIX + "/bricks", Role.VIEWER, req -> ok(s.bricks()));
        r.add("GET", PREFIX + "/bricks/{name}", Role.VIEWER, req -> ok(s.brick(req.param("name"))));
        r.add("POST", PREFIX + "/bricks/{name}/drain", Role.ADMIN, req -> ok(s.drainBrick(req.param("name"))));
        r.add("DELETE", PREFIX + "/bricks/{name}", Role.ADMIN, req -> {
            s.removeBrick(req.param("name"));
            return ApiResponse.noContent();
        });

        r.add("GET", PREFIX + "/volumes", Role.VIEWER, req -> ok(listVolumes(s, req)));
        r.add("POST", PREFIX + "/volumes", Role.ADMIN, req -> {
            BrickService.Outcome<VolumeView> o = s.createVolume(Json.read(req.body(), CreateVolumeRequest.class));
            return ApiResponse.json(o.created() ? 201 : 200, Json.write(o.value()));
        });
        r.add("GET", PREFIX + "/volumes/{name}", Role.VIEWER, req -> ok(s.getVolume(req.param("name"))));
        r.add("PATCH", PREFIX + "/volumes/{name}", Role.ADMIN,
                req -> ok(s.updateVolume(req.param("name"), Json.read(req.body(), UpdateVolumeRequest.class))));
        r.add("DELETE", PREFIX + "/volumes/{name}", Role.ADMIN, req -> {
            String snapshots = req.query("snapshots");
            if (snapshots != null && !snapshots.equals("delete")) {
                throw ApiException.invalid("snapshots must be 'delete' (delete them with the volume), not '" + snapshots
                        + "'");
            }
            s.deleteVolume(req.param("name"), snapshots != null);
            return ApiResponse.noContent();
        });
        r.add("POST", PREFIX + "/volumes/{name}/snapshots", Role.ADMIN, req -> {
            var o = s.createSnapshot(req.param("name"), Json.read(req.body(), CreateSnapshotRequest.class));
            return ApiResponse.json(o.created() ? 201 : 200, Json.write(o.value()));
        });
        r.add("GET", PREFIX + "/volumes/{name}/snapshots", Role.VIEWER, req -> ok(s.listSnapshots(req.param("name"))));
        r.add("GET", PREFIX + "/volumes/{name}/snapshots/{snapshot}", Role.VIEWER,
                req -> ok(s.getSnapshot(req.param("name"), req.param("snapshot"))));
        r.add("DELETE", PREFIX + "/volumes/{name}/snapshots/{snapshot}", Role.ADMIN, req -> {
            s.deleteSnapshot(req.param("name"), req.param("snapshot"));
            return ApiResponse.noContent();
        });
        r.add("GET", PREFIX + "/volumes/{name}/snapshots/{snapshot}/diff", Role.VIEWER, req -> ok(s.diff(
                req.param("name"), req.param("snapshot"), req.query("against"),
                req.queryLong("fromLba", 0, 0, Long.MAX_VALUE), (int) req.queryLong("limit", PAGE_DEFAULT, 1, PAGE_MAX))));
        r.add("POST", PREFIX + "/volumes/{name}/rollback", Role.ADMIN,
                req -> ok(s.rollback(req.param("name"), Json.read(req.body(), RollbackRequest.class))));
        r.add("POST", PREFIX + "/volumes/{name}/verify", Role.ADMIN, req -> ok(s.verifyVolume(req.param("name"))));
        r.add("POST", PREFIX + "/volumes/{name}/move", Role.ADMIN, req -> ok(s.moveVolume(req.param("name"),
                req.body().length == 0 ? new MoveVolumeRequest(null) : Json.read(req.body(), MoveVolumeRequest.class))));
        r.add("PUT", PREFIX + "/volumes/{name}/hosts/{hostNqn}", Role.ADMIN,
                req -> ok(s.allowHost(req.param("name"), req.param("hostNqn"))));
        r.add("DELETE", PREFIX + "/volumes/{name}/hosts/{hostNqn}", Role.ADMIN,
                req -> ok(s.revokeHost(req.param("name"), req.param("hostNqn"))));

        r.add("GET", PREFIX + "/qos-policies", Role.VIEWER, req -> ok(s.listQosPolicies()));
        r.add("GET", PREFIX + "/qos-policies/{name}", Role.VIEWER, req -> ok(s.getQosPolicy(req.param("name"))));
        r.add("PUT", PREFIX + "/qos-policies/{name}", Role.ADMIN, req -> {
            var o = s.putQosPolicy(req.param("name"), Json.read(req.body(), QosPolicyRequest.class));
            return ApiResponse.json(o.created() ? 201 : 200, Json.write(o.value()));
        });
        r.add("DELETE", PREFIX + "/qos-policies/{name}", Role.ADMIN, req -> {
            s.deleteQosPolicy(req.param("name"));
            return ApiResponse.noContent();
        });

        r.add("GET", PREFIX + "/events", Role.VIEWER, req -> {
            long after = req.queryLong("after", 0, 0, Long.MAX_VALUE);
            int limit = (int) req.queryLong("limit", PAGE_DEFAULT, 1, PAGE_MAX);
            String type = req.query("type");
            List<EventView> events = s.events(after, type == null ? limit : Integer.MAX_VALUE);
            if (type != null) {
                events = events.stream().filter(e -> e.type().startsWith(type)).limit(limit).toList();
            }
            return ok(events);
        });
        return r;
    }

    private static ApiResponse ok(Object value) {
        return ApiResponse.json(200, Json.write(value));
    }

    /**
     * Filters: {@code name} (prefix), {@code state} (online|offline), {@code label} (key=value,
     * repeatable, all must match), {@code host} (an NQN allowed to see it). Sorted by name; the page
     * token is the last name of the previous page, encoded.
     */
    static VolumePage listVolumes(BrickService s, ApiRequest req) {
        int limit = (int) req.queryLong("limit", PAGE_DEFAULT, 1, PAGE_MAX);
        Predicate<VolumeView> filter = v -> true;
        String prefix = req.query("name");
        if (prefix != null) {
            filter = filter.and(v -> v.name().startsWith(prefix));
        }
        String state = req.query("state");
        if (state != null) {
            String st = state.toLowerCase(Locale.ROOT);
            if (!st.equals("online") && !st.equals("offline")) {
                throw ApiException.invalid("state must be online or offline, not '" + state + "'");
            }
            filter = filter.and(v -> v.state().equals(st));
        }
        for (String label : req.queryAll("label")) {
            int eq = label.indexOf('=');
            if (eq <= 0) {
                throw ApiException.invalid("label filter must be key=value, not '" + label + "'");
            }
            String k = label.substring(0, eq);
            String val = label.substring(eq + 1);
            filter = filter.and(v -> val.equals(v.labels().get(k)));
        }
        String host = req.query("host");
        if (host != null) {
            filter = filter.and(v -> v.hosts().contains(host) || v.hosts().contains("any"));
        }
        String after = decodeToken(req.query("pageToken"));
        List<VolumeView> all = s.listVolumes().stream().filter(filter).toList();
        List<VolumeView> rest = after == null ? all : all.stream().filter(v -> v.name().compareTo(after) > 0).toList();
        List<VolumeView> page = rest.subList(0, Math.min(limit, rest.size()));
        String next = rest.size() > limit ? encodeToken(page.get(page.size() - 1).name()) : null;
        return new VolumePage(page, next, all.size());
    }

    private static String encodeToken(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeToken(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("invalid pageToken");
        }
    }

    /** The OpenAPI document from the jar (copied there from docs/openapi.yaml at build time). */
    public static byte[] openapi() {
        try (InputStream in = ApiRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            return in == null ? "openapi: 3.0.3\n".getBytes(StandardCharsets.UTF_8) : in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + OPENAPI_RESOURCE, e);
        }
    }
}
