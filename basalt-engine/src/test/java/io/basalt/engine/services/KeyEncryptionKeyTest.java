package io.basalt.engine.services;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyEncryptionKeyTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void shouldWrapAndUnwrapADataKey() throws Exception {
        KeyEncryptionKey kek = KeyEncryptionKey.generate(random);
        DataKey key = DataKey.generate(random);
        byte[] wrapped = kek.wrap(key);
        assertThat(wrapped).hasSize(KeyEncryptionKey.WRAPPED_LENGTH);
        assertThat(containsRun(wrapped, key.material())).isFalse();
        assertThat(kek.unwrap(wrapped).sameMaterial(key)).isTrue();
    }

    @Test
    void shouldMatchRfc3394WithA256BitKek() throws Exception {
        // RFC 3394 section 4.6: 256 bits of key data wrapped with a 256-bit KEK.
        HexFormat hex = HexFormat.of();
        KeyEncryptionKey kek = KeyEncryptionKey.fromBytes(hex.parseHex(
                "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"));
        javax.crypto.Cipher kw = javax.crypto.Cipher.getInstance("AES/KW/NoPadding");
        kw.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(hex.parseHex(
                "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"), "AES"));
        assertThat(hex.formatHex(kw.doFinal(hex.parseHex(
                "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F"))))
                .isEqualTo("28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21");
        // ...and the class uses that same construction for 64-byte data keys.
        DataKey key = DataKey.generate(random);
        assertThat(kek.wrap(key)).isEqualTo(kw.doFinal(key.material()));
    }

    @Test
    void shouldDetectTheWrongKek() {
        DataKey key = DataKey.generate(random);
        byte[] wrapped = KeyEncryptionKey.generate(random).wrap(key);
        KeyEncryptionKey other = KeyEncryptionKey.generate(random);
        assertThatThrownBy(() -> other.unwrap(wrapped)).isInstanceOf(KeyUnwrapException.class)
                .hasMessageContaining(other.id()).hasNoCause();
    }

    @Test
    void shouldDetectADamagedWrappedKey() {
        KeyEncryptionKey kek = KeyEncryptionKey.generate(random);
        byte[] wrapped = kek.wrap(DataKey.generate(random));
        for (int i = 0; i < wrapped.length; i++) {
            byte[] bad = wrapped.clone();
            bad[i] ^= 1;
            assertThatThrownBy(() -> kek.unwrap(bad)).isInstanceOf(KeyUnwrapException.class);
        }
        assertThatThrownBy(() -> kek.unwrap(new byte[40])).isInstanceOf(KeyUnwrapException.class);
    }

    @Test
    void shouldRotateWithoutChangingTheDataKey() throws Exception {
        KeyEncryptionKey old = KeyEncryptionKey.generate(random);
        KeyEncryptionKey next = KeyEncryptionKey.generate(random);
        DataKey key = DataKey.generate(random);
        byte[] plain = BlockKind.TEXT.fill(1, 4096);
        byte[] cipher = new byte[4096];
        key.newCipher(4096).encrypt(plain, 0, cipher, 0, 4096, 77);

        byte[] rewrapped = KeyEncryptionKey.rewrap(old.wrap(key), old, next);

        assertThatThrownBy(() -> old.unwrap(rewrapped)).isInstanceOf(KeyUnwrapException.class);
        DataKey recovered = next.unwrap(rewrapped);
        byte[] back = new byte[4096];
        recovered.newCipher(4096).decrypt(cipher, 0, back, 0, 4096, 77);
        assertThat(back).isEqualTo(plain);
    }

    @Test
    void shouldNeverPrintKeyMaterial() {
        byte[] material = new byte[KeyEncryptionKey.LENGTH];
        random.nextBytes(material);
        KeyEncryptionKey kek = KeyEncryptionKey.fromBytes(material);
        String hex = HexFormat.of().formatHex(material);
        assertThat(kek.toString()).contains(kek.id()).doesNotContain(hex.substring(0, 8));
        assertThat(kek.id()).hasSize(16).isNotEqualTo(hex.substring(0, 16));
        DataKey key = DataKey.generate(random);
        assertThat(key.toString()).isEqualTo("DataKey[redacted]");
        assertThat(key.newCipher(4096).toString()).doesNotContain(HexFormat.of().formatHex(key.material(), 0, 4));
    }

    @Test
    void shouldRefuseADestroyedDataKey() {
        DataKey key = DataKey.generate(random);
        key.destroy();
        assertThatThrownBy(() -> key.newCipher(4096)).isInstanceOf(IllegalStateException.class);
    }

    private static boolean containsRun(byte[] haystack, byte[] needle) {
        // Any 8 consecutive key bytes appearing in the output would be a leak.
        for (int n = 0; n + 8 <= needle.length; n += 8) {
            for (int h = 0; h + 8 <= haystack.length; h++) {
                if (java.util.Arrays.equals(haystack, h, h + 8, needle, n, n + 8)) {
                    return true;
                }
            }
        }
        return false;
    }
}
