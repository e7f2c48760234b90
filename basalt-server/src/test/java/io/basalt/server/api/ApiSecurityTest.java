package io.basalt.server.api;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.basalt.api.ApiException;
import io.basalt.api.client.ApiClient;
import io.basalt.server.Brick;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.ServeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bearer JWTs with roles, and TLS. */
class ApiSecurityTest {
    @TempDir
    Path dir;

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static Path pem(Path dir, KeyPair k) throws Exception {
        Path p = dir.resolve("jwt.pub.pem");
        Files.writeString(p, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(k.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        return p;
    }

    private static String token(KeyPair k, Object roles, long expiresInMillis) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("ops").issuer("https://idp.example")
                .claim("roles", roles).expirationTime(new Date(System.currentTimeMillis() + expiresInMillis)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        jwt.sign(new RSASSASigner((RSAPrivateKey) k.getPrivate()));
        return jwt.serialize();
    }

    private static void assertStatus(ThrowingCall call, int status) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.status()).isEqualTo(status));
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void shouldRequireATokenWithTheRightRole() throws Exception {
        KeyPair key = rsa();
        try (Brick brick = Brick.start(new ServeConfig(dir.resolve("data"), new InetSocketAddress("127.0.0.1", 0), null,
                List.of(), new ApiConfig(new InetSocketAddress("127.0.0.1", 0), null, null, pem(dir, key),
                "https://idp.example", null)))) {
            URI base = URI.create("http://127.0.0.1:" + brick.apiAddress().getPort());
            Map<String, Object> volume = Map.of("name", "db", "size", "1MiB");

            assertThat(new ApiClient(base, null).get("/health").status()).isEqualTo(200);
            assertStatus(() -> new ApiClient(base, null).get("/api/v1/volumes"), 401);
            assertStatus(() -> new ApiClient(base, null).get("/metrics"), 401);
            assertStatus(() -> new ApiClient(base, "garbage").get("/api/v1/volumes"), 401);
            assertStatus(() -> new ApiClient(base, token(rsa(), List.of("admin"), 60_000)).get("/api/v1/volumes"), 401);
            assertStatus(() -> new ApiClient(base, token(key, List.of("admin"), -120_000)).get("/api/v1/volumes"), 401);
            assertStatus(() -> new ApiClient(base, token(key, List.of("janitor"), 60_000)).get("/api/v1/volumes"), 403);

            ApiClient viewer = new ApiClient(base, token(key, List.of("viewer"), 60_000));
            assertThat(viewer.get("/api/v1/volumes").status()).isEqualTo(200);
            assertThat(viewer.get("/metrics").status()).isEqualTo(200);
            assertStatus(() -> viewer.post("/api/v1/volumes", volume), 403);

            ApiClient admin = new ApiClient(base, token(key, List.of("viewer", "admin"), 60_000));
            assertThat(admin.post("/api/v1/volumes", volume).status()).isEqualTo(201);
        }
    }

    @Test
    void shouldServeHttpsWhenGivenACertificate() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p;
        try {
            p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.toString(), "-out", cert.toString())
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("this test makes its certificate with openssl: apt-get install openssl", e);
        }
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("openssl failed: " + output).isTrue();
        try (Brick brick = Brick.start(new ServeConfig(dir.resolve("data"), new InetSocketAddress("127.0.0.1", 0), null,
                List.of(), new ApiConfig(new InetSocketAddress("127.0.0.1", 0), cert, key, null, null, null)))) {
            SSLContext trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            HttpClient https = HttpClient.newBuilder().sslContext(trustAll).build();
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                    + brick.apiAddress().getPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"ok\"");
            assertThat(brick.apiTls()).isTrue();
        }
    }
}
