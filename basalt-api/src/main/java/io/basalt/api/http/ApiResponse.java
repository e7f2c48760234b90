package io.basalt.api.http;

/** What a handler answers: status, content type and body (JSON unless said otherwise). */
public record ApiResponse(int status, String contentType, byte[] body) {
    public static final String JSON = "application/json";

    public static ApiResponse json(int status, byte[] body) {
        return new ApiResponse(status, JSON, body);
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, null, new byte[0]);
    }
}
