package io.basalt.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every error the server can emit, over a raw socket: whatever refuses the request (a handler,
 * the router, the body aggregator, the HTTP decoder), the answer carries the JSON
 * {@code {code, reason}} body the API promises.
 */
class ApiServerTest {
    private ApiServer server;

    @BeforeEach
    void start() throws Exception {
        Router router = new Router()
                .add("GET", "/ok", null, req -> ApiResponse.json(200, "{}".getBytes(StandardCharsets.UTF_8)))
                .add("POST", "/echo", null, req -> ApiResponse.json(200, req.body()))
                .add("GET", "/boom", null, req -> {
                    throw new IllegalStateException("a bug");
                });
        server = new ApiServer(new ApiServer.Settings(new InetSocketAddress("127.0.0.1", 0), null, null), router,
                Authenticator.NONE);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * A response as read off the wire: status, headers (lower-case names), body, and whether the
     * server closed the connection after it.
     */
    private record RawResponse(int status, Map<String, String> headers, byte[] body, boolean closed) {
        JsonNode json() throws IOException {
            return Json.MAPPER.readTree(body);
        }
    }

    private RawResponse send(byte[] request) throws IOException {
        return send(request, false);
    }

    /**
     * Sends {@code request} as it is and reads one response (Content-Length framed, or up to EOF);
     * with {@code awaitClose}, then waits up to 2 s for the server to close the connection.
     */
    private RawResponse send(byte[] request, boolean awaitClose) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server.address(), 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            RawResponse r = read(s.getInputStream());
            if (!awaitClose) {
                return r;
            }
            s.setSoTimeout(2_000);
            boolean closed;
            try {
                closed = s.getInputStream().read() < 0;
            } catch (SocketTimeoutException e) {
                closed = false;
            }
            return new RawResponse(r.status(), r.headers(), r.body(), closed);
        }
    }

    /**
     * Sends a request the server refuses before reading all of it (an oversized body) and reads the
     * answer. The server closes with bytes unread, which resets the connection: a blocking write on
     * this thread could fail, or wait, before the answer is read. So another thread writes, and its
     * failure is expected; this one reads what the server sent before the reset.
     */
    private RawResponse sendRefused(byte[] request) throws IOException, InterruptedException {
        try (Socket s = new Socket()) {
            s.connect(server.address(), 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            Thread writer = new Thread(() -> {
                try {
                    out.write(request);
                    out.flush();
                } catch (IOException expected) {
                    // Reset or closed: the server has stopped reading, as it may.
                }
            }, "refused-request-writer");
            writer.start();
            try {
                return read(s.getInputStream());
            } finally {
                s.close();
                writer.join(10_000);
            }
        }
    }

    private RawResponse sendRefused(String request) throws IOException, InterruptedException {
        return sendRefused(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private RawResponse send(String request) throws IOException {
        return send(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static RawResponse read(InputStream in) throws IOException {
        String statusLine = line(in);
        assertThat(statusLine).as("a status line").startsWith("HTTP/1.");
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        String length = headers.get("content-length");
        byte[] body = length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length));
        return new RawResponse(status, headers, body, false);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed mid-line after '" + b + "'");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static void assertJsonError(RawResponse r, int status, String code) throws IOException {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.headers().get("content-type")).isEqualTo(ApiResponse.JSON);
        assertThat(r.body()).as("an error body").isNotEmpty();
        JsonNode body = r.json();
        assertThat(body.get("code").asText()).isEqualTo(code);
        assertThat(body.get("reason").asText()).isNotBlank();
    }

    @Test
    void shouldAnswerAnOversizedBodyWith413AndAJsonError() throws Exception {
        RawResponse r = sendRefused("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (ApiServer.MAX_BODY_BYTES + 1) + "\r\nConnection: close\r\n\r\n{");

        assertJsonError(r, 413, "payload_too_large");
        assertThat(r.json().get("reason").asText()).contains(Integer.toString(ApiServer.MAX_BODY_BYTES));
    }

    @Test
    void shouldAnswerAnOversizedKeepAliveBodyWith413AndAJsonError() throws Exception {
        RawResponse r = sendRefused("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (ApiServer.MAX_BODY_BYTES + 1) + "\r\n\r\n{");

        assertJsonError(r, 413, "payload_too_large");
    }

    @Test
    void shouldAnswerAnOversizedChunkedBodyWith413AndAJsonError() throws Exception {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        byte[] chunk = new byte[64 << 10];
        for (int sent = 0; sent <= ApiServer.MAX_BODY_BYTES; sent += chunk.length) {
            req.writeBytes((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            req.writeBytes(chunk);
            req.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        req.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

        assertJsonError(sendRefused(req.toByteArray()), 413, "payload_too_large");
    }

    @Test
    void shouldAnswerAnOversizedBodyThatExpectsContinueWith413AndAJsonError() throws Exception {
        RawResponse r = sendRefused("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Expect: 100-continue\r\nContent-Length: " + (ApiServer.MAX_BODY_BYTES + 1) + "\r\n\r\n");

        assertJsonError(r, 413, "payload_too_large");
    }

    @Test
    void shouldAnswerAnUnsupportedExpectationWith417AndAJsonError() throws Exception {
        RawResponse r = send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Expect: teapot\r\nContent-Length: 2\r\n\r\n{}");

        assertJsonError(r, 417, "expectation_failed");
    }

    @Test
    void shouldAnswerAMalformedRequestLineWith400AndAJsonError() throws Exception {
        assertJsonError(send("G\u00e9T /ok HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "invalid_argument");
        assertJsonError(send("GET /ok HTTP/1.1 extra\r\nHost: x\r\n\r\n"), 400, "invalid_argument");
    }

    @Test
    void shouldAnswerAMalformedHeaderWith400AndAJsonError() throws Exception {
        assertJsonError(send("GET /ok HTTP/1.1\r\nHost: x\r\nContent-Length: twelve\r\n\r\n"), 400,
                "invalid_argument");
    }

    @Test
    void shouldAnswerAMalformedChunkWith400AndEndTheConnection() throws Exception {
        RawResponse r = send(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1),
                true);

        assertJsonError(r, 400, "invalid_argument");
        assertThat(r.closed()).as("the byte stream cannot be trusted after a framing error").isTrue();
    }

    @Test
    void shouldAnswerRoutingAndHandlerErrorsWithJsonErrors() throws Exception {
        assertJsonError(send("GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 404, "not_found");
        RawResponse wrongMethod = send("DELETE /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertJsonError(wrongMethod, 405, "method_not_allowed");
        assertThat(wrongMethod.headers().get("allow")).isEqualTo("GET");
        assertJsonError(send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
                + "Connection: close\r\n\r\nhi"), 415, "unsupported_media_type");
        assertJsonError(send("GET /boom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 500, "internal");
        assertThat(send("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status()).isEqualTo(200);
    }
}
