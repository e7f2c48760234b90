package io.basalt.api.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.basalt.api.ApiException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;

/**
 * Bearer tokens: JWTs signed with RS256 by the key whose public half the brick is given. The token
 * must be unexpired (60 s of clock skew allowed), match the configured issuer and audience if any,
 * and carry a role: claim {@code roles} (a list) or {@code role} (a string), {@code admin} or
 * {@code viewer}.
 */
public final class JwtAuthenticator implements Authenticator {
    private static final long SKEW_MILLIS = 60_000;
    private final RSASSAVerifier verifier;
    private final String issuer;
    private final String audience;

    public JwtAuthenticator(RSAPublicKey key, String issuer, String audience) {
        this.verifier = new RSASSAVerifier(key);
        this.issuer = issuer;
        this.audience = audience;
    }

    /** Reads a PEM public key ({@code BEGIN PUBLIC KEY}) or certificate ({@code BEGIN CERTIFICATE}). */
    public static RSAPublicKey readPublicKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        if (text.contains("BEGIN CERTIFICATE")) {
            try (var in = Files.newInputStream(pem)) {
                return (RSAPublicKey) CertificateFactory.getInstance("X.509").generateCertificate(in).getPublicKey();
            }
        }
        String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    @Override
    public Role authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthenticated("a bearer token is required (Authorization: Bearer <JWT>)");
        }
        JWTClaimsSet claims;
        try {
            SignedJWT jwt = SignedJWT.parse(authorization.substring(7).trim());
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
                throw unauthenticated("the token must be signed with RS256");
            }
            if (!jwt.verify(verifier)) {
                throw unauthenticated("the token's signature does not verify");
            }
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | JOSEException e) {
            throw unauthenticated("the token is not a valid JWT");
        }
        long now = System.currentTimeMillis();
        Date exp = claims.getExpirationTime();
        if (exp == null || exp.getTime() + SKEW_MILLIS < now) {
            throw unauthenticated(exp == null ? "the token has no expiry" : "the token has expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.getTime() - SKEW_MILLIS > now) {
            throw unauthenticated("the token is not valid yet");
        }
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            throw unauthenticated("the token's issuer is not " + issuer);
        }
        if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            throw unauthenticated("the token is not for audience " + audience);
        }
        return role(claims);
    }

    private static Role role(JWTClaimsSet claims) {
        Role best = null;
        Object roles = claims.getClaim("roles");
        Object role = claims.getClaim("role");
        List<?> all = roles instanceof List<?> l ? l : role != null ? List.of(role) : List.of();
        for (Object r : all) {
            String name = String.valueOf(r).toLowerCase(Locale.ROOT);
            if (name.equals("admin")) {
                best = Role.ADMIN;
            } else if (name.equals("viewer") && best == null) {
                best = Role.VIEWER;
            }
        }
        if (best == null) {
            throw new ApiException(403, ApiException.FORBIDDEN, "the token grants neither the admin nor the viewer role");
        }
        return best;
    }

    private static ApiException unauthenticated(String reason) {
        return new ApiException(401, ApiException.UNAUTHENTICATED, reason);
    }
}
