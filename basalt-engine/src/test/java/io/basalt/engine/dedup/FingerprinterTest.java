package io.basalt.engine.dedup;

import io.basalt.engine.services.Allocations;
import io.basalt.engine.services.BlockKind;
import io.basalt.engine.services.DataKey;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class FingerprinterTest {
    @Test
    void shouldBeSha256OfTheBlock() throws Exception {
        byte[] src = "xxabcyy".getBytes();
        byte[] out = new byte[40];
        Fingerprinter.sha256().fingerprint(src, 2, 3, out, 4);
        // FIPS 180-2 example "abc".
        assertThat(HexFormat.of().formatHex(out, 4, 36))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        byte[] block = BlockKind.TEXT.fill(2, 4096);
        Fingerprinter.sha256().fingerprint(block, 0, 4096, out, 0);
        assertThat(Arrays.copyOf(out, 32)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(block));
    }

    @Test
    void shouldBeHmacSha256WhenKeyed() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Fingerprinter f = Fingerprinter.withHmacKey(key);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] out = new byte[32];
        for (long seed = 0; seed < 3; seed++) {
            byte[] block = BlockKind.RANDOM.fill(seed, 4096);
            f.fingerprint(block, 0, 4096, out, 0);
            assertThat(out).isEqualTo(mac.doFinal(block));
        }
    }

    @Test
    void shouldSeparateKeyDomains() {
        SecureRandom random = new SecureRandom();
        byte[] block = BlockKind.TEXT.fill(6, 4096);
        byte[] plain = new byte[32];
        byte[] a = new byte[32];
        byte[] a2 = new byte[32];
        byte[] b = new byte[32];
        DataKey domainA = DataKey.generate(random);
        Fingerprinter.sha256().fingerprint(block, 0, 4096, plain, 0);
        Fingerprinter.keyed(domainA).fingerprint(block, 0, 4096, a, 0);
        Fingerprinter.keyed(domainA).fingerprint(block, 0, 4096, a2, 0);
        Fingerprinter.keyed(DataKey.generate(random)).fingerprint(block, 0, 4096, b, 0);
        assertThat(a).isEqualTo(a2).isNotEqualTo(b).isNotEqualTo(plain);
    }

    @Test
    void shouldSplitTheIndexKeyBigEndian() {
        byte[] fp = HexFormat.of().parseHex("0102030405060708f1f2f3f4f5f6f7f8" + "00".repeat(16));
        assertThat(Fingerprinter.high(fp, 0)).isEqualTo(0x0102030405060708L);
        assertThat(Fingerprinter.low(fp, 0)).isEqualTo(0xf1f2f3f4f5f6f7f8L);
    }

    @Test
    void shouldAllocateNothingPerBlock() {
        byte[] block = BlockKind.TEXT.fill(2, 4096);
        byte[] out = new byte[32];
        Fingerprinter plain = Fingerprinter.sha256();
        Fingerprinter keyed = Fingerprinter.keyed(DataKey.generate(new SecureRandom()));
        long bytes = Allocations.perCall(() -> {
            plain.fingerprint(block, 0, 4096, out, 0);
            keyed.fingerprint(block, 0, 4096, out, 0);
        });
        assertThat(bytes).isZero();
    }
}
