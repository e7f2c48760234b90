package io.basalt.engine.services;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AesXtsTest {
    private static final HexFormat HEX = HexFormat.of();
    /** IEEE 1619-2007 Annex B, vectors 10-14: Key1 = e digits, Key2 = pi digits. */
    private static final byte[] IEEE_KEY = HEX.parseHex(
            "2718281828459045235360287471352662497757247093699959574966967627"
                    + "3141592653589793238462643383279502884197169399375105820974944592");

    /** Vectors 10-14 all encrypt two runs of bytes 00..ff (512 bytes). */
    private static byte[] ieeePlaintext() {
        byte[] p = new byte[512];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) i;
        }
        return p;
    }

    @Test
    void shouldEncryptIeee1619Vector10() {
        assertVector(0xffL, IeeeVectors.V10);
    }

    @Test
    void shouldEncryptIeee1619Vector11() {
        assertVector(0xffffL, IeeeVectors.V11);
    }

    @Test
    void shouldEncryptIeee1619Vector12() {
        assertVector(0xffffffL, IeeeVectors.V12);
    }

    @Test
    void shouldEncryptIeee1619Vector13() {
        assertVector(0xffffffffL, IeeeVectors.V13);
    }

    @Test
    void shouldEncryptIeee1619Vector14() {
        assertVector(0xffffffffffL, IeeeVectors.V14);
    }

    private static void assertVector(long unit, String ciphertextHex) {
        byte[] expected = HEX.parseHex(ciphertextHex);
        AesXts xts = DataKey.fromBytes(IEEE_KEY).newCipher(4096);
        byte[] plain = ieeePlaintext();
        byte[] out = new byte[512];
        xts.encrypt(plain, 0, out, 0, 512, unit);
        assertThat(HEX.formatHex(out)).isEqualTo(HEX.formatHex(expected));
        byte[] back = new byte[512];
        xts.decrypt(out, 0, back, 0, 512, unit);
        assertThat(back).isEqualTo(plain);
        // The 128-bit form with a zero high half is the same tweak.
        byte[] out128 = new byte[512];
        xts.encrypt(plain, 0, out128, 0, 512, unit, 0);
        assertThat(out128).isEqualTo(expected);
    }

    @Test
    void shouldEncryptAtOffsetsWithoutTouchingNeighbours() {
        AesXts xts = DataKey.fromBytes(IEEE_KEY).newCipher(4096);
        byte[] src = new byte[512 + 7];
        System.arraycopy(ieeePlaintext(), 0, src, 7, 512);
        byte[] dst = new byte[512 + 32];
        Arrays.fill(dst, (byte) 0x5a);
        xts.encrypt(src, 7, dst, 16, 512, 0xff);
        assertThat(Arrays.copyOfRange(dst, 16, 16 + 512)).isEqualTo(HEX.parseHex(IeeeVectors.V10));
        for (int i : new int[]{0, 15, 16 + 512, dst.length - 1}) {
            assertThat(dst[i]).isEqualTo((byte) 0x5a);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 512, 4096})
    void shouldRoundTripWholeBlockUnits(int length) {
        AesXts xts = DataKey.generate(new SecureRandom()).newCipher(4096);
        byte[] plain = new byte[length];
        new Random(length).nextBytes(plain);
        byte[] cipher = new byte[length];
        xts.encrypt(plain, 0, cipher, 0, length, 42, 7);
        assertThat(cipher).isNotEqualTo(plain);
        byte[] back = new byte[length];
        xts.decrypt(cipher, 0, back, 0, length, 42, 7);
        assertThat(back).isEqualTo(plain);
    }

    @Test
    void shouldUseTheWholeTweak() {
        AesXts xts = DataKey.generate(new SecureRandom()).newCipher(4096);
        byte[] plain = new byte[4096];
        byte[] a = new byte[4096];
        byte[] b = new byte[4096];
        byte[] c = new byte[4096];
        xts.encrypt(plain, 0, a, 0, 4096, 1, 0);
        xts.encrypt(plain, 0, b, 0, 4096, 2, 0);
        xts.encrypt(plain, 0, c, 0, 4096, 1, 1);
        assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
        // Equal plaintext blocks within a unit still differ: each has its own tweak multiple.
        assertThat(Arrays.copyOfRange(a, 0, 16)).isNotEqualTo(Arrays.copyOfRange(a, 16, 32));
    }

    @Test
    void shouldNotRecoverPlaintextUnderAnotherKey() {
        SecureRandom random = new SecureRandom();
        byte[] plain = "the plaintext of one block, repeated. ".repeat(108).substring(0, 4096).getBytes();
        byte[] cipher = new byte[4096];
        DataKey.generate(random).newCipher(4096).encrypt(plain, 0, cipher, 0, 4096, 9);
        byte[] wrong = new byte[4096];
        DataKey.generate(random).newCipher(4096).decrypt(cipher, 0, wrong, 0, 4096, 9);
        assertThat(wrong).isNotEqualTo(plain);
        assertThat(new String(wrong)).doesNotContain("plaintext");
    }

    @Test
    void shouldRejectUnitsThatAreNotWholeBlocks() {
        AesXts xts = DataKey.generate(new SecureRandom()).newCipher(4096);
        byte[] b = new byte[8192];
        for (int bad : new int[]{0, 8, 17, 520, 4095, 4112}) {
            assertThatThrownBy(() -> xts.encrypt(b, 0, b, 4096, bad, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no ciphertext stealing");
        }
        assertThatThrownBy(() -> xts.encrypt(b, 8190, b, 0, 16, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void shouldRejectEqualHalvesAsIeee1619Requires() {
        byte[] k = new byte[DataKey.LENGTH];
        Arrays.fill(k, (byte) 3);
        assertThatThrownBy(() -> DataKey.fromBytes(k)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldAllocateNothingPerUnit() {
        AesXts xts = DataKey.generate(new SecureRandom()).newCipher(4096);
        byte[] a = new byte[4096];
        byte[] b = new byte[4096];
        long bytes = Allocations.perCall(() -> {
            xts.encrypt(a, 0, b, 0, 4096, 5, 6);
            xts.decrypt(b, 0, a, 0, 4096, 5, 6);
        });
        assertThat(bytes).isZero();
    }
}
