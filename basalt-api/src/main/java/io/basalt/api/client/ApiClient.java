package io.basalt.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.api.ApiException;
import io.basalt.api.http.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small client of the REST API, for the CLI and tests. A refusal comes back as the
 * {@link ApiException} the server sent (status, code, reason); no connection is an IOException.
 */
public final class ApiClient {
    private final URI base;
    private final String token;
    private final HttpClient http;

    /**
     * @param base  e.g. {@code http://127.0.0.1:8080}
     * @param token a bearer token, or null
     */
    public ApiClient(URI base, String token) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A response: status and raw body. */
    public record Response(int status, byte[] body) {
        public JsonNode json() {
            try {
                return body.length == 0 ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new NotJsonException(e);
            }
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * The server answered, but not with JSON: something else listens at the address (a proxy's page,
     * another service). Not a connection failure, so not an IOException.
     */
    public static final class NotJsonException extends IllegalStateException {
        NotJsonException(Throwable cause) {
            super("the server sent malformed JSON", cause);
        }
    }

    public static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public Response get(String path) throws IOException {
        return send("GET", path, null);
    }

    public Response post(String path, Object body) throws IOException {
        return send("POST", path, body);
    }

    public Response put(String path, Object body) throws IOException {
        return send("PUT", path, body);
    }

    public Response patch(String path, Object body) throws IOException {
        return send("PATCH", path, body);
    }

    public Response delete(String path) throws IOException {
        return send("DELETE", path, null);
    }

    /** Sends a request (body serialised as JSON unless null); throws ApiException for a 4xx/5xx. */
    public Response send(String method, String path, Object body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(Json.write(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Response resp = new Response(r.statusCode(), r.body());
        if (r.statusCode() >= 400) {
            String code = "http_" + r.statusCode();
            String reason = resp.text();
            try {
                JsonNode n = resp.json();
                if (n.hasNonNull("code")) {
                    code = n.get("code").asText();
                    reason = n.path("reason").asText();
                }
            } catch (NotJsonException e) {
                // Not our JSON (a proxy's page): keep the raw text.
            }
            throw new ApiException(r.statusCode(), code, reason);
        }
        return resp;
    }
}
