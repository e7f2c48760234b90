package io.basalt.engine.dedup;

import io.basalt.engine.services.DataKey;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Dedup fingerprints of plaintext blocks: SHA-256, or HMAC-SHA256 under a key domain's secret
 * for encrypted volumes.
 *
 * <p><b>Why SHA-256 and not a fast 128-bit hash confirmed by a byte compare.</b> Measured here on
 * 4 KiB blocks, one core (ServicesBench, docs/benchmarks.md): SHA-256 on the JDK runs at about
 * 1.6 GB/s (the JVM uses the CPU's SHA extensions), XXH64 (lz4-java, native) at 4.4 GB/s per
 * 64-bit pass over data not in cache — so a 128-bit fast hash would be only 1.4-2.7 times
 * faster. And a byte compare is not free: the candidate block lives on a device, compressed and
 * encrypted, so confirming a hit costs a random read, a decryption and a decompression on the
 * single engine thread, for every duplicate written. A collision-resistant hash needs no such
 * confirmation. It also matters that dedup spans volumes: with a non-cryptographic hash one
 * tenant could craft a block that collides with another tenant's. On the write path SHA-256
 * costs less than LZ4 compression (LZ4 runs at 0.5-0.7 GB/s on text and binaries).
 *
 * <p><b>Keyed fingerprints.</b> An encrypted volume's fingerprints must not reveal its
 * plaintext (a bare SHA-256 confirms guesses of a block's content), so {@link #keyed} computes
 * HMAC-SHA256 with a key derived from the domain's {@link DataKey}. Fingerprints of different
 * key domains are then unrelated and can never match: encrypted volumes dedup only within
 * their key domain, plain volumes only among plain volumes.
 *
 * <p>Owned by one thread; allocation-free per call.
 */
public final class Fingerprinter {
    public static final int LENGTH = 32;
    private static final int SHA256_BLOCK = 64;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final byte[] DOMAIN_LABEL = "basalt dedup fingerprint key v1".getBytes(StandardCharsets.US_ASCII);

    private final MessageDigest sha;
    private final byte[] innerPad;
    private final byte[] outerPad;
    private final byte[] innerHash = new byte[LENGTH];

    private Fingerprinter(byte[] hmacKey) {
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
        if (hmacKey == null) {
            innerPad = null;
            outerPad = null;
        } else {
            // RFC 2104 with the pads precomputed: HMAC without javax.crypto.Mac, whose doFinal allocates.
            innerPad = new byte[SHA256_BLOCK];
            outerPad = new byte[SHA256_BLOCK];
            for (int i = 0; i < SHA256_BLOCK; i++) {
                byte k = i < hmacKey.length ? hmacKey[i] : 0;
                innerPad[i] = (byte) (k ^ 0x36);
                outerPad[i] = (byte) (k ^ 0x5c);
            }
        }
    }

    /** Plain SHA-256, for volumes without encryption. */
    public static Fingerprinter sha256() {
        return new Fingerprinter(null);
    }

    /** HMAC-SHA256 under a key derived from {@code domain}: for the volumes encrypted with that key. */
    public static Fingerprinter keyed(DataKey domain) {
        byte[] derived = domain.derive(DOMAIN_LABEL);
        try {
            return new Fingerprinter(derived);
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }

    /** For tests: HMAC-SHA256 with this exact key (at most 64 bytes). */
    static Fingerprinter withHmacKey(byte[] key) {
        if (key.length > SHA256_BLOCK) {
            throw new IllegalArgumentException("HMAC keys longer than a SHA-256 block are not supported");
        }
        return new Fingerprinter(key);
    }

    public boolean isKeyed() {
        return innerPad != null;
    }

    /** Writes the {@link #LENGTH}-byte fingerprint of {@code src[off, off + len)} to {@code out[outOff]}. */
    public void fingerprint(byte[] src, int off, int len, byte[] out, int outOff) {
        try {
            if (innerPad == null) {
                sha.update(src, off, len);
                sha.digest(out, outOff, LENGTH);
                return;
            }
            sha.update(innerPad);
            sha.update(src, off, len);
            sha.digest(innerHash, 0, LENGTH);
            sha.update(outerPad);
            sha.update(innerHash);
            sha.digest(out, outOff, LENGTH);
        } catch (DigestException e) {
            throw new IndexOutOfBoundsException("no room for a fingerprint at " + outOff);
        }
    }

    /** The first 64 bits of a fingerprint, as {@link FingerprintIndex} keys it. */
    public static long high(byte[] fingerprint, int off) {
        return (long) LONGS.get(fingerprint, off);
    }

    /** The second 64 bits of a fingerprint. */
    public static long low(byte[] fingerprint, int off) {
        return (long) LONGS.get(fingerprint, off + 8);
    }

    @Override
    public String toString() {
        return isKeyed() ? "Fingerprinter[HMAC-SHA256]" : "Fingerprinter[SHA-256]";
    }
}
