package io.basalt.server.config;

import io.basalt.control.volume.ConfigException;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The management API's settings.
 *
 * @param listen       where the REST API listens, or null for no API
 * @param tlsCert      PEM certificate chain; with {@code tlsKey}, the API speaks HTTPS
 * @param tlsKey       PEM (PKCS#8) private key of the certificate
 * @param jwtPublicKey PEM RSA public key (or certificate) verifying bearer tokens; null: no authentication
 * @param jwtIssuer    required {@code iss} of tokens, or null
 * @param jwtAudience  required {@code aud} of tokens, or null
 */
public record ApiConfig(InetSocketAddress listen, Path tlsCert, Path tlsKey, Path jwtPublicKey, String jwtIssuer,
                        String jwtAudience) {
    public static final String LISTEN_KEY = "api-listen";
    /** Loopback only: nothing off the box can manage the brick until the operator says so. */
    public static final String LISTEN_DEFAULT = "127.0.0.1:8080";
    public static final String TLS_CERT_KEY = "api-tls-cert";
    public static final String TLS_KEY_KEY = "api-tls-key";
    public static final String JWT_PUBLIC_KEY_KEY = "api-jwt-public-key";
    public static final String JWT_ISSUER_KEY = "api-jwt-issuer";
    public static final String JWT_AUDIENCE_KEY = "api-jwt-audience";
    public static final Set<String> KEYS = Set.of(LISTEN_KEY, TLS_CERT_KEY, TLS_KEY_KEY, JWT_PUBLIC_KEY_KEY,
            JWT_ISSUER_KEY, JWT_AUDIENCE_KEY);
    /** No API at all (tests that only need the data path). */
    public static final ApiConfig OFF = new ApiConfig(null, null, null, null, null, null);

    public ApiConfig {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new ConfigException("api-tls-cert and api-tls-key must be given together");
        }
    }

    /** Flag values over file values over defaults; a null flag means "not given". */
    public static ApiConfig resolve(Map<String, String> file, Map<String, String> flags) {
        String listen = pick(LISTEN_KEY, flags, file, LISTEN_DEFAULT);
        InetSocketAddress address;
        try {
            address = HostPort.parseOptional(listen);
        } catch (ConfigException e) {
            throw e.at("--" + LISTEN_KEY);
        }
        return new ApiConfig(address, path(pick(TLS_CERT_KEY, flags, file, null)),
                path(pick(TLS_KEY_KEY, flags, file, null)), path(pick(JWT_PUBLIC_KEY_KEY, flags, file, null)),
                pick(JWT_ISSUER_KEY, flags, file, null), pick(JWT_AUDIENCE_KEY, flags, file, null));
    }

    private static String pick(String key, Map<String, String> flags, Map<String, String> file, String fallback) {
        String v = flags.get(key);
        if (v == null) {
            v = file.get(key);
        }
        return v == null ? fallback : v;
    }

    private static Path path(String s) {
        return s == null ? null : Path.of(s);
    }
}
