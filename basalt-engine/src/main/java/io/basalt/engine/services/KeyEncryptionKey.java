package io.basalt.engine.services;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The key-encryption key (KEK): one AES-256 key per server, from the {@code --kek-file} (see
 * {@link KekFile}), that wraps every volume's {@link DataKey} with AES Key Wrap (RFC 3394, the
 * JDK's {@code AES/KW/NoPadding}). Only wrapped data keys are ever written to a device, so the
 * pool's devices alone do not decrypt anything.
 *
 * <p>Rotation: {@link #rewrap} unwraps under the old KEK and wraps under the new one; the data,
 * encrypted under the unchanged data key, is not rewritten.
 *
 * <p>{@link #id()} names the key in logs and metadata (which KEK wrapped which volume key)
 * without revealing it: the first 8 bytes of SHA-256 over a label and the key.
 */
public final class KeyEncryptionKey {
    public static final int LENGTH = 32;
    /** RFC 3394 output for a {@link DataKey}: its 64 bytes plus the 8-byte integrity block. */
    public static final int WRAPPED_LENGTH = DataKey.LENGTH + 8;
    private static final String WRAP = "AES/KW/NoPadding";

    private final SecretKeySpec key;
    private final String id;

    private KeyEncryptionKey(byte[] material) {
        if (material.length != LENGTH) {
            throw new IllegalArgumentException("a key-encryption key is " + LENGTH + " bytes");
        }
        this.key = new SecretKeySpec(material, "AES");
        this.id = computeId(material);
    }

    /** Takes a copy of {@code material}; the caller should zero its own. */
    static KeyEncryptionKey fromBytes(byte[] material) {
        return new KeyEncryptionKey(material.clone());
    }

    /** A fresh random KEK (the key file is normally the source; this is for creating one). */
    public static KeyEncryptionKey generate(SecureRandom random) {
        byte[] m = new byte[LENGTH];
        random.nextBytes(m);
        try {
            return new KeyEncryptionKey(m);
        } finally {
            Arrays.fill(m, (byte) 0);
        }
    }

    /** Wraps a data key for storage ({@link #WRAPPED_LENGTH} bytes). */
    public byte[] wrap(DataKey dataKey) {
        try {
            Cipher c = Cipher.getInstance(WRAP);
            c.init(Cipher.ENCRYPT_MODE, key);
            return c.doFinal(dataKey.material());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES key wrap unavailable", e);
        }
    }

    /**
     * Recovers a data key wrapped by {@link #wrap}.
     *
     * @throws KeyUnwrapException if it was wrapped under a different KEK or is damaged
     */
    public DataKey unwrap(byte[] wrapped) throws KeyUnwrapException {
        if (wrapped.length != WRAPPED_LENGTH) {
            throw new KeyUnwrapException("wrapped data key has " + wrapped.length + " bytes, expected "
                    + WRAPPED_LENGTH);
        }
        byte[] material;
        try {
            Cipher c = Cipher.getInstance(WRAP);
            c.init(Cipher.DECRYPT_MODE, key);
            material = c.doFinal(wrapped);
        } catch (GeneralSecurityException e) {
            // Deliberately without the cause: providers' messages are not ours to vet.
            throw new KeyUnwrapException("data key does not unwrap under KEK " + id
                    + ": wrapped by another key-encryption key, or damaged");
        }
        try {
            return DataKey.fromBytes(material);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /** KEK rotation for one volume key: unwrap under {@code from}, wrap under {@code to}. */
    public static byte[] rewrap(byte[] wrapped, KeyEncryptionKey from, KeyEncryptionKey to) throws KeyUnwrapException {
        DataKey k = from.unwrap(wrapped);
        try {
            return to.wrap(k);
        } finally {
            k.destroy();
        }
    }

    /** A non-secret name for this key: 16 hex digits. */
    public String id() {
        return id;
    }

    private static String computeId(byte[] material) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("basalt key-encryption key id".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] d = sha.digest(material);
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "KeyEncryptionKey[id=" + id + "]";
    }
}
