package io.basalt.api;

/**
 * A request the API refuses, with the HTTP status, a stable machine-readable {@code code} and a
 * one-line {@code reason} for people. Becomes the JSON error body {@code {"code": ..., "reason": ...}}.
 */
public final class ApiException extends RuntimeException {
    public static final String INVALID_ARGUMENT = "invalid_argument";
    public static final String NOT_FOUND = "not_found";
    public static final String CONFLICT = "conflict";
    /** 409: no set of bricks can hold the volume as asked (room, failure domains, allowed domains). */
    public static final String PLACEMENT_IMPOSSIBLE = "placement_impossible";
    public static final String UNSUPPORTED = "unsupported";
    public static final String UNAUTHENTICATED = "unauthenticated";
    public static final String FORBIDDEN = "forbidden";
    public static final String METHOD_NOT_ALLOWED = "method_not_allowed";
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
    public static final String PAYLOAD_TOO_LARGE = "payload_too_large";
    public static final String EXPECTATION_FAILED = "expectation_failed";
    public static final String INTERNAL = "internal";
    public static final String UNAVAILABLE = "unavailable";

    private final int status;
    private final String code;

    public ApiException(int status, String code, String reason) {
        super(reason);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String reason() {
        return getMessage();
    }

    public static ApiException invalid(String reason) {
        return new ApiException(400, INVALID_ARGUMENT, reason);
    }

    public static ApiException notFound(String reason) {
        return new ApiException(404, NOT_FOUND, reason);
    }

    public static ApiException conflict(String reason) {
        return new ApiException(409, CONFLICT, reason);
    }

    /** 409: the cluster has no bricks that can hold the volume as asked; the reason says what it found. */
    public static ApiException placementImpossible(String reason) {
        return new ApiException(409, PLACEMENT_IMPOSSIBLE, reason);
    }

    /** Well formed, but this brick cannot do it (422). */
    public static ApiException unsupported(String reason) {
        return new ApiException(422, UNSUPPORTED, reason);
    }

    public static ApiException internal(String reason) {
        return new ApiException(500, INTERNAL, reason);
    }

    /** 503: a service the request needs (the cluster's metadata store) cannot be reached now; retry later. */
    public static ApiException unavailable(String reason) {
        return new ApiException(503, UNAVAILABLE, reason);
    }
}
