package io.basalt.engine.services;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;

/**
 * XTS-AES-256 (IEEE 1619-2007, NIST SP 800-38E) on the JDK's {@code AES/ECB/NoPadding}, which
 * the JVM runs with AES-NI; the JDK has no XTS mode of its own.
 *
 * <p>A data unit is a whole number of 16-byte blocks (512-byte and 4 KiB blocks, and
 * {@link CompressedPayload}s, always are), so ciphertext stealing is never needed and other
 * lengths are rejected. The tweak is the 128-bit data unit number, little-endian as in the
 * standard: the engine passes {@code (lba, volumeId)} as (low, high) 64-bit halves.
 *
 * <p>Per unit: one AES block for the tweak, then all tweak values {@code T·αʲ} (doubling in
 * GF(2¹²⁸)) are laid out in a mask buffer while XOR-ing the input into a scratch buffer, one ECB
 * call covers the whole unit, and a second XOR with the mask finishes. That keeps the AES work
 * in one intrinsic call instead of one call per 16-byte block.
 *
 * <p>Owned by one thread: the Cipher objects and buffers are reused and nothing is allocated
 * per call. XTS gives confidentiality only; integrity comes from the log's CRC32C (accidents)
 * and, for a wrong key, from decompression and higher-level checks — XTS itself never fails.
 */
public final class AesXts {
    public static final int BLOCK = 16;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** x¹²⁸ = x⁷ + x² + x + 1: the reduction applied when doubling carries out of bit 127. */
    private static final long GF_128_FEEDBACK = 0x87;

    private final Cipher dataEncrypt;
    private final Cipher dataDecrypt;
    private final Cipher tweakEncrypt;
    private final int maxUnitLength;
    private final byte[] tweakIn = new byte[BLOCK];
    private final byte[] tweakOut = new byte[BLOCK];
    private final byte[] mask;
    private final byte[] scratch;

    AesXts(DataKey key, int maxUnitLength) {
        if (maxUnitLength < BLOCK || maxUnitLength % BLOCK != 0) {
            throw new IllegalArgumentException("max data unit " + maxUnitLength + " is not a multiple of 16");
        }
        byte[] m = key.material();
        SecretKeySpec key1 = new SecretKeySpec(m, 0, DataKey.HALF, "AES");
        SecretKeySpec key2 = new SecretKeySpec(m, DataKey.HALF, DataKey.HALF, "AES");
        try {
            dataEncrypt = Cipher.getInstance("AES/ECB/NoPadding");
            dataEncrypt.init(Cipher.ENCRYPT_MODE, key1);
            dataDecrypt = Cipher.getInstance("AES/ECB/NoPadding");
            dataDecrypt.init(Cipher.DECRYPT_MODE, key1);
            tweakEncrypt = Cipher.getInstance("AES/ECB/NoPadding");
            tweakEncrypt.init(Cipher.ENCRYPT_MODE, key2);
        } catch (GeneralSecurityException e) {
            // Every Java SE runtime must provide AES/ECB/NoPadding with 256-bit keys.
            throw new IllegalStateException("AES/ECB/NoPadding unavailable", e);
        }
        this.maxUnitLength = maxUnitLength;
        this.mask = new byte[maxUnitLength];
        this.scratch = new byte[maxUnitLength];
    }

    public int maxUnitLength() {
        return maxUnitLength;
    }

    /** Encrypts {@code length} bytes with data unit number {@code unit} (a 64-bit tweak). */
    public void encrypt(byte[] src, int srcOff, byte[] dst, int dstOff, int length, long unit) {
        crypt(dataEncrypt, src, srcOff, dst, dstOff, length, unit, 0);
    }

    /** Decrypts {@code length} bytes with data unit number {@code unit} (a 64-bit tweak). */
    public void decrypt(byte[] src, int srcOff, byte[] dst, int dstOff, int length, long unit) {
        crypt(dataDecrypt, src, srcOff, dst, dstOff, length, unit, 0);
    }

    /** Encrypts with the 128-bit data unit number {@code (tweakHigh << 64) | tweakLow}. */
    public void encrypt(byte[] src, int srcOff, byte[] dst, int dstOff, int length, long tweakLow, long tweakHigh) {
        crypt(dataEncrypt, src, srcOff, dst, dstOff, length, tweakLow, tweakHigh);
    }

    /** Decrypts with the 128-bit data unit number {@code (tweakHigh << 64) | tweakLow}. */
    public void decrypt(byte[] src, int srcOff, byte[] dst, int dstOff, int length, long tweakLow, long tweakHigh) {
        crypt(dataDecrypt, src, srcOff, dst, dstOff, length, tweakLow, tweakHigh);
    }

    private void crypt(Cipher aes, byte[] src, int srcOff, byte[] dst, int dstOff, int length, long tweakLow,
                       long tweakHigh) {
        if (length < BLOCK || length % BLOCK != 0 || length > maxUnitLength) {
            throw new IllegalArgumentException("data unit of " + length + " bytes: XTS here takes whole 16-byte"
                    + " blocks up to " + maxUnitLength + " (no ciphertext stealing)");
        }
        if (srcOff < 0 || srcOff + length > src.length || dstOff < 0 || dstOff + length > dst.length) {
            throw new IndexOutOfBoundsException("data unit outside its buffer");
        }
        LONGS.set(tweakIn, 0, tweakLow);
        LONGS.set(tweakIn, 8, tweakHigh);
        update(tweakEncrypt, tweakIn, 0, tweakOut, 0, BLOCK);
        long lo = (long) LONGS.get(tweakOut, 0);
        long hi = (long) LONGS.get(tweakOut, 8);
        for (int i = 0; i < length; i += BLOCK) {
            LONGS.set(mask, i, lo);
            LONGS.set(mask, i + 8, hi);
            LONGS.set(scratch, i, (long) LONGS.get(src, srcOff + i) ^ lo);
            LONGS.set(scratch, i + 8, (long) LONGS.get(src, srcOff + i + 8) ^ hi);
            long carry = hi >> 63;
            hi = (hi << 1) | (lo >>> 63);
            lo = (lo << 1) ^ (carry & GF_128_FEEDBACK);
        }
        // Inputs and outputs never alias, so the provider needs no defensive copy of its input.
        update(aes, scratch, 0, dst, dstOff, length);
        for (int i = 0; i < length; i += 8) {
            LONGS.set(dst, dstOff + i, (long) LONGS.get(dst, dstOff + i) ^ (long) LONGS.get(mask, i));
        }
    }

    private static void update(Cipher aes, byte[] in, int inOff, byte[] out, int outOff, int length) {
        try {
            if (aes.update(in, inOff, length, out, outOff) != length) {
                throw new IllegalStateException("AES/ECB consumed a partial unit");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/ECB failed on whole blocks", e);
        }
    }

    @Override
    public String toString() {
        return "AesXts[maxUnit=" + maxUnitLength + "]";
    }
}
