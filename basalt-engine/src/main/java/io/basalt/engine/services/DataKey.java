package io.basalt.engine.services;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A volume's (or key domain's) data encryption key: two independent AES-256 keys, the first for
 * the data, the second for XTS tweaks (IEEE 1619 requires them to differ). Generated from
 * {@link SecureRandom}, stored only wrapped by a {@link KeyEncryptionKey}.
 *
 * <p>The material never leaves this class except into a {@link KeyEncryptionKey#wrap wrap}, a
 * cipher's key schedule or a {@link #derive derivation}; {@link #toString()} is redacted. {@link #destroy()} zeroes this copy —
 * the JDK's key specs and cipher schedules keep theirs until collected, which Java cannot
 * prevent.
 */
public final class DataKey {
    /** 32 bytes for AES-256 key 1 (data), then 32 for key 2 (tweak). */
    public static final int LENGTH = 64;
    static final int HALF = LENGTH / 2;

    private final byte[] material;
    private boolean destroyed;

    private DataKey(byte[] material) {
        if (material.length != LENGTH) {
            throw new IllegalArgumentException("a data key is " + LENGTH + " bytes");
        }
        if (Arrays.equals(material, 0, HALF, material, HALF, LENGTH)) {
            throw new IllegalArgumentException("XTS needs two different AES keys");
        }
        this.material = material;
    }

    /** A fresh random key. */
    public static DataKey generate(SecureRandom random) {
        byte[] m = new byte[LENGTH];
        do {
            random.nextBytes(m);
        } while (Arrays.equals(m, 0, HALF, m, HALF, LENGTH));
        return new DataKey(m);
    }

    /** Takes a copy of {@code material} (key 1 then key 2); for unwrapping and test vectors. */
    static DataKey fromBytes(byte[] material) {
        return new DataKey(material.clone());
    }

    /** The live material, for this package's ciphers and the wrap. Never hand it further. */
    byte[] material() {
        if (destroyed) {
            throw new IllegalStateException("data key destroyed");
        }
        return material;
    }

    /**
     * A key derived from this one for another purpose: HMAC-SHA256 of {@code label} under the whole
     * material (dedup's keyed fingerprints). Knowing it reveals nothing of this key. The caller
     * owns the returned bytes and should zero them when done.
     */
    public byte[] derive(byte[] label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(material(), "HmacSHA256"));
            return mac.doFinal(label);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** A new XTS cipher under this key for data units of up to {@code maxUnitLength} bytes; owned by one thread. */
    public AesXts newCipher(int maxUnitLength) {
        return new AesXts(this, maxUnitLength);
    }

    /** Zeroes the material; the key is unusable afterwards. */
    public void destroy() {
        Arrays.fill(material, (byte) 0);
        destroyed = true;
    }

    /** Compares material in constant time (for tests of wrap/unwrap). */
    boolean sameMaterial(DataKey other) {
        return java.security.MessageDigest.isEqual(material, other.material);
    }

    @Override
    public String toString() {
        return "DataKey[redacted]";
    }
}
